import { applyEvents, computedTraits, engagementScore, type TraitEvent } from "./compute-traits";

const DAY = 86_400_000;
const now = Date.parse("2026-06-10T12:00:00Z");
const ev = (type: string, daysAgo: number, extra: Partial<TraitEvent> = {}): TraitEvent => ({ type, occurredAt: new Date(now - daysAgo * DAY), properties: {}, context: {}, itemIds: [], revenue: null, ...extra });
const cat = (id: string) => ({ a: "A", b: "B" })[id];

describe("computed traits reducer", () => {
  it("should give the same result whatever order or batching the events arrive in", () => {
    const events = [ev("purchase", 3, { itemIds: ["a"], revenue: 10 }), ev("product_view", 1, { itemIds: ["b"] }), ev("email_open", 2), ev("add_to_cart", 0.5, { itemIds: ["b"] })];
    const once = computedTraits(applyEvents(undefined, events, cat, undefined, now), {}, now);
    const split = applyEvents(applyEvents(undefined, events.slice(2), cat, undefined, now), events.slice(0, 2), cat, undefined, now);
    const twice = computedTraits(split, {}, now);
    expect(twice).toEqual(once);
  });

  it("should halve engagement every 14 days", () => {
    const s = applyEvents(undefined, [ev("purchase", 0)], cat, undefined, now);
    expect(engagementScore(s, now)).toBe(Math.round(100 * (1 - Math.exp(-0.5))));
    expect(engagementScore(s, now + 14 * DAY)).toBe(Math.round(100 * (1 - Math.exp(-0.25))));
  });

  it("should empty the open cart when the items are bought and keep the rest", () => {
    const s = applyEvents(undefined, [ev("add_to_cart", 2, { itemIds: ["a"] }), ev("add_to_cart", 1, { itemIds: ["b"] }), ev("purchase", 0.5, { itemIds: ["a"], revenue: 5 })], cat, undefined, now);
    const c = computedTraits(s, {}, now);
    expect(c.openCart).toEqual(["b"]);
    expect(c.cartAbandonedSince).toBe(new Date(now - DAY).toISOString());
  });

  it("should count the last 24 hours alike whether folded then or rebuilt later, keeping no hourly bucket the window cannot reach", () => {
    const HOUR = 3_600_000;
    const hoursAgo = (h: number) => ev("page_view", h / 24);
    const first = [hoursAgo(40), hoursAgo(30), hoursAgo(20), hoursAgo(2)];
    const later = now + 10 * HOUR;
    const folded = applyEvents(applyEvents(undefined, first, cat, undefined, now), [ev("page_view", -9 / 24)], cat, undefined, later);
    const rebuilt = applyEvents(undefined, [...first, ev("page_view", -9 / 24)], cat, undefined, later);
    // At `later` the 24-hour window holds the events 2 h and −9 h from `now` (the one 20 h before `now` is 30 h old).
    expect(computedTraits(folded, {}, later).eventCounts1d).toEqual({ page_view: 2 });
    expect(computedTraits(rebuilt, {}, later).eventCounts1d).toEqual({ page_view: 2 });
    const hours = new Set(folded.hrs.filter((_, i) => i % 3 === 0));
    expect(Math.min(...[...hours].map(Number))).toBeGreaterThan(Math.floor(later / HOUR) - 25);
  });

  it("should drop events older than the windows from the window counts", () => {
    const c = computedTraits(applyEvents(undefined, [ev("page_view", 0.1), ev("page_view", 3), ev("page_view", 20), ev("page_view", 200)], cat, undefined, now), {}, now);
    expect([c.eventCounts1d, c.eventCounts7d, c.eventCounts30d]).toEqual([{ page_view: 1 }, { page_view: 2 }, { page_view: 3 }]);
  });

  it("should keep RFM scores written by the scheduled job", () => {
    expect(computedTraits(applyEvents(undefined, [], cat, undefined, now), { rfmSegment: "R1F2M3", rfmRecency: 1 }, now)).toMatchObject({ rfmSegment: "R1F2M3", rfmRecency: 1 });
  });
});
