import { applyEvents, computedTraits, type TraitEvent, type TraitState } from "./compute-traits";
import { bucketName, type Buckets } from "./event-buckets";
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

  it("should still read states written as a plain object with type names (string or object) and fold them alike", () => {
    const legacy = { ...structuredClone(state), hrs: keyed(state.hrs, bucketName), days: keyed(state.days, bucketName) };
    expect(JSON.stringify(legacy.days)).toContain("purchase");
    expect(sorted(decodeState(JSON.stringify(legacy)))).toEqual(sorted(state));
    for (const old of [JSON.stringify(legacy), legacy]) {
      const more = [ev("email_click", 0.05)];
      const a = computedTraits(applyEvents(decodeState(old), more, cat, undefined, now), {}, now);
      const b = computedTraits(applyEvents(decodeState(encodeState(state)), more, cat, undefined, now), {}, now);
      expect(a).toEqual(b);
    }
    expect(decodeState(undefined)).toBeUndefined();
  });

  it("should still read version 2 (buckets as objects keyed by index and type code)", () => {
    const code = (k: number | string) => (typeof k === "number" && k < 0 ? bucketName(k) : String(k));
    const v2 = JSON.parse(encodeState(state)) as unknown[];
    v2[0] = 2;
    v2[17] = keyed(state.hrs, code);
    v2[18] = keyed(state.days, code);
    expect(JSON.stringify(v2[18])).toContain('"$rev"');
    expect(sorted(decodeState(JSON.stringify(v2)))).toEqual(sorted(state));
  });
});
