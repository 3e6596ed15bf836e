import { applyEvents, computedTraits, type TraitEvent } from "../profiles/compute-traits";
import { encodeState } from "../profiles/trait-state-codec";
import { affectedTraits, changedTraits, foldComputed } from "./trait-updater";

const DAY = 86_400_000;
const now = Date.parse("2026-06-10T12:00:00Z");
const TYPES = ["page_view", "product_view", "search", "add_to_cart", "remove_from_cart", "checkout_started", "purchase", "refund", "email_delivered", "email_open", "email_click", "unsubscribe", "rating"];
const categories = new Map([["a", "A"], ["b", "B"], ["c", null]]);

/** Deterministic pseudo-random numbers, so failures reproduce. */
function rng(seed: number): () => number {
  return () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
}

function randomEvent(random: () => number): TraitEvent {
  const type = TYPES[Math.floor(random() * TYPES.length)];
  const item = ["a", "b", "c", "z"][Math.floor(random() * 4)];
  const withItem = ["product_view", "add_to_cart", "remove_from_cart", "purchase", "email_click", "refund"].includes(type);
  return { type, occurredAt: new Date(now - Math.floor(random() * 120 * DAY)), properties: type === "product_view" && random() < 0.3 ? { category: "P" } : {}, context: random() < 0.5 ? { timezone: "Europe/Berlin" } : {}, itemIds: withItem ? [item] : [], revenue: type === "purchase" ? 10 : type === "refund" ? -3 : null };
}

describe("trait names a fold reports", () => {
  it("should name every computed trait the events change (a superset, from their types)", () => {
    const random = rng(7);
    for (let run = 0; run < 300; run++) {
      const history = Array.from({ length: Math.floor(random() * 8) }, () => randomEvent(random));
      const before = applyEvents(undefined, history, (i) => categories.get(i) ?? undefined, undefined, now);
      const previous = computedTraits(structuredClone(before), {}, now);
      const arriving = Array.from({ length: 1 + Math.floor(random() * 3) }, () => randomEvent(random));
      const row = foldComputed("p", { id: "p", state: encodeState(before), tz: null }, arriving, categories, now);
      const actual = changedTraits(previous, computedTraits(structuredClone(row.state), {}, now));
      expect(row.names).toEqual(expect.arrayContaining(actual));
      // The traits written are exactly those named, with the values a full computation gives.
      const full = computedTraits(structuredClone(row.state), {}, now);
      for (const name of row.names) expect(row.c[name]).toEqual(full[name]);
    }
  });

  it("should name every trait on a profile's first fold and fewer on later ones", () => {
    const first = foldComputed("p", { id: "p", state: null, tz: null }, [randomEvent(rng(1))], categories, now);
    expect(first.names.length).toBe(Object.keys(first.c).length);
    expect(affectedTraits([{ type: "page_view", occurredAt: new Date(now), properties: {}, context: {}, itemIds: [], revenue: null }]).names).not.toContain("purchaseCount");
  });
});
