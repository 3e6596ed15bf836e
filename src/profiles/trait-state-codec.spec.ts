import { applyEvents, type TraitEvent, type TraitState } from "./compute-traits";
import { decodeState, encodeState, packStates } from "./trait-state-codec";

const DAY = 86_400_000;
const now = Date.parse("2026-06-10T12:00:00Z");
const ev = (type: string, daysAgo: number, extra: Partial<TraitEvent> = {}): TraitEvent => ({ type, occurredAt: new Date(now - daysAgo * DAY), properties: {}, context: {}, itemIds: [], revenue: null, ...extra });
const cat = (id: string) => ({ a: "Shoes", b: "Bücher — Äpfel 🍎", [`long-${"x".repeat(60)}`]: `Category ${"é".repeat(80)}` })[id];

describe("stored trait state (binary, version 4)", () => {
  const long = `long-${"x".repeat(60)}`;
  const events = [
    ev("purchase", 3, { itemIds: ["a"], revenue: 10.1 }),
    ev("product_view", 1, { itemIds: ["b"] }),
    ev("product_view", 0.3, { itemIds: [long] }),
    ev("email_open", 0.2),
    ev("add_to_cart", 0.5, { itemIds: ["b", "ß-ü"] }),
    ev("refund", 0.1, { revenue: -4.25 }),
    ev("rating", 0.01),
    ev("page_view", 40),
  ];
  const state = applyEvents(undefined, events, cat, undefined, now);

  it("should read back exactly what was written: floats, unicode and long strings, custom event types", () => {
    expect(state.hrs.some((k) => k === "rating")).toBe(true);
    expect([...state.cat.keys()]).toContain(cat(long));
    expect(decodeState(encodeState(state))).toEqual(state);
  });

  it("should pack states side by side so that each slice reads back as its state", () => {
    const empty = applyEvents(undefined, [], cat, undefined, now);
    const { bytes, slices } = packStates([state, empty, state]);
    expect(slices.map((s) => s.o)).toEqual([1, 1 + slices[0].n, 1 + slices[0].n + slices[1].n]);
    expect(bytes.length).toBe(slices.reduce((sum, s) => sum + s.n, 0));
    const back = slices.map((s) => decodeState(bytes.subarray(s.o - 1, s.o - 1 + s.n)));
    expect(back).toEqual([state, empty, state]);
  });

  it("should read back an empty state, and nothing for a profile never folded", () => {
    const empty = applyEvents(undefined, [], cat, undefined, now);
    expect(decodeState(encodeState(empty))).toEqual(empty);
    expect(decodeState(null)).toBeUndefined();
  });

  it("should keep times that are not whole milliseconds, and any reference time", () => {
    const odd: TraitState = { ...structuredClone(state), at: 1.5, first: -3, last: 1e15 + 0.5, cart: new Map([["x", 0.25]]), viewed: [["v", -1e12]], lastPurchase: null };
    expect(decodeState(encodeState(odd))).toEqual(odd);
  });

  it("should take well under half the bytes of the plain JSON state on a busy day's profile", () => {
    const types = ["page_view", "product_view", "add_to_cart", "purchase", "email_delivered", "email_open"];
    const busy = Array.from({ length: 50 }, (_, i) => ev(types[i % types.length], (i * 7919) % 1000 / 1000, { itemIds: i % 3 ? [`sku-${(i * 37) % 1000}`] : [], revenue: types[i % types.length] === "purchase" ? 19.99 : null }));
    const s = applyEvents(undefined, busy, (id) => `cat-${Number(id.slice(4)) % 20}`, "Europe/Berlin", now);
    expect(s.hrs.length).toBeGreaterThan(60);
    expect(encodeState(s).length).toBeLessThan(JSON.stringify({ ...s, cat: Object.fromEntries(s.cat), cart: Object.fromEntries(s.cart) }).length * 0.45);
  });

  it("should refuse bytes it does not know instead of misreading them", () => {
    const bytes = encodeState(state);
    expect(() => decodeState(Buffer.from([9, ...bytes.subarray(1)]))).toThrow(/version/);
    expect(() => decodeState(bytes.subarray(0, bytes.length - 2))).toThrow(/corrupt/);
  });
});
