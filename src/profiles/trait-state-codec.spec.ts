import { applyEvents, bucketType, computedTraits, type TraitEvent, type TraitState } from "./compute-traits";
import { decodeState, encodeState } from "./trait-state-codec";

const DAY = 86_400_000;
const now = Date.parse("2026-06-10T12:00:00Z");
const ev = (type: string, daysAgo: number, extra: Partial<TraitEvent> = {}): TraitEvent => ({ type, occurredAt: new Date(now - daysAgo * DAY), properties: {}, context: {}, itemIds: [], revenue: null, ...extra });
const cat = (id: string) => ({ a: "A", b: "B" })[id];

describe("stored trait state", () => {
  const events = [ev("purchase", 3, { itemIds: ["a"], revenue: 10 }), ev("product_view", 1, { itemIds: ["b"] }), ev("email_open", 0.2), ev("add_to_cart", 0.5, { itemIds: ["b"] }), ev("refund", 0.1, { revenue: -4 }), ev("rating", 0.01), ev("page_view", 40)];
  const state = applyEvents(undefined, events, cat, undefined, now);

  it("should read back exactly what was written, custom event types included", () => {
    expect(decodeState(encodeState(state))).toEqual(state);
    const empty = applyEvents(undefined, [], cat, undefined, now);
    expect(decodeState(encodeState(empty))).toEqual(empty);
  });

  it("should be smaller than the plain object", () => {
    expect(encodeState(state).length).toBeLessThan(JSON.stringify(state).length * 0.75);
  });

  it("should still read states written as a plain object with type names (string or object) and fold them alike", () => {
    const named = (buckets: TraitState["hrs"]) => Object.fromEntries(Object.entries(buckets).map(([i, b]) => [i, Object.fromEntries(Object.entries(b).map(([k, n]) => [bucketType(k), n]))]));
    const legacy = { ...structuredClone(state), hrs: named(state.hrs), days: named(state.days) };
    expect(JSON.stringify(legacy.days)).toContain("purchase");
    expect(decodeState(JSON.stringify(legacy))).toEqual(state);
    for (const old of [JSON.stringify(legacy), legacy]) {
      const more = [ev("email_click", 0.05)];
      const a = computedTraits(applyEvents(decodeState(old), more, cat, undefined, now), {}, now);
      const b = computedTraits(applyEvents(decodeState(encodeState(state)), more, cat, undefined, now), {}, now);
      expect(a).toEqual(b);
    }
    expect(decodeState(undefined)).toBeUndefined();
  });
});
