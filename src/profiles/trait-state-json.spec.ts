import { applyEvents, computedTraits, type TraitEvent, type TraitState } from "./compute-traits";
import { bucketName, type Buckets } from "./event-buckets";
import { decodeJsonState, encodeJsonState } from "./trait-state-json";

const DAY = 86_400_000;
const now = Date.parse("2026-06-10T12:00:00Z");
const ev = (type: string, daysAgo: number, extra: Partial<TraitEvent> = {}): TraitEvent => ({ type, occurredAt: new Date(now - daysAgo * DAY), properties: {}, context: {}, itemIds: [], revenue: null, ...extra });
const cat = (id: string) => ({ a: "A", b: "B" })[id];

describe("trait state stored as JSON (before version 4)", () => {
  const events = [ev("purchase", 3, { itemIds: ["a"], revenue: 10 }), ev("product_view", 1, { itemIds: ["b"] }), ev("email_open", 0.2), ev("add_to_cart", 0.5, { itemIds: ["b"] }), ev("refund", 0.1, { revenue: -4 }), ev("rating", 0.01), ev("page_view", 40)];
  const state = applyEvents(undefined, events, cat, undefined, now);

  /** Triples as the earlier stored objects: bucket index → key → count, keys named by `key`. */
  const keyed = (buckets: Buckets, key: (k: number | string) => string) => {
    const out: Record<string, Record<string, number>> = {};
    for (let i = 0; i < buckets.length; i += 3) (out[String(buckets[i])] ??= {})[key(buckets[i + 1])] = buckets[i + 2] as number;
    return out;
  };

  /** A state with its bucket triples in one order (the earlier forms keep no order). */
  const sorted = (s: TraitState | undefined) => {
    const order = (b: Buckets) => {
      const triples: Buckets[] = [];
      for (let i = 0; i < b.length; i += 3) triples.push(b.slice(i, i + 3));
      return triples.sort((x, y) => String(x.slice(0, 2)).localeCompare(String(y.slice(0, 2)))).flat();
    };
    return s && { ...s, hrs: order(s.hrs), days: order(s.days) };
  };

  it("should read version 3 exactly, custom event types and an empty state included", () => {
    expect(decodeJsonState(encodeJsonState(state))).toEqual(state);
    const empty = applyEvents(undefined, [], cat, undefined, now);
    expect(decodeJsonState(encodeJsonState(empty))).toEqual(empty);
    expect(decodeJsonState(undefined)).toBeUndefined();
  });

  it("should read the plain object with type names (string or object) and fold it alike", () => {
    const legacy = { ...structuredClone(state), cat: Object.fromEntries(state.cat), cart: Object.fromEntries(state.cart), hrs: keyed(state.hrs, bucketName), days: keyed(state.days, bucketName) };
    expect(JSON.stringify(legacy.days)).toContain("purchase");
    expect(sorted(decodeJsonState(JSON.stringify(legacy)))).toEqual(sorted(state));
    for (const old of [JSON.stringify(legacy), legacy]) {
      const more = [ev("email_click", 0.05)];
      const a = computedTraits(applyEvents(decodeJsonState(old), more, cat, undefined, now), {}, now);
      const b = computedTraits(applyEvents(structuredClone(state), more, cat, undefined, now), {}, now);
      expect(a).toEqual(b);
    }
  });

  it("should read version 2 (buckets as objects keyed by index and type code)", () => {
    const code = (k: number | string) => (typeof k === "number" && k < 0 ? bucketName(k) : String(k));
    const v2 = JSON.parse(encodeJsonState(state)) as unknown[];
    v2[0] = 2;
    v2[17] = keyed(state.hrs, code);
    v2[18] = keyed(state.days, code);
    expect(JSON.stringify(v2[18])).toContain('"$rev"');
    expect(sorted(decodeJsonState(JSON.stringify(v2)))).toEqual(sorted(state));
  });
});
