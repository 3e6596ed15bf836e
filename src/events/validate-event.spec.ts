import { validateEvent, type ValidationRules } from "./validate-event";

const now = new Date("2026-06-01T12:00:00Z");
const rules: ValidationRules = { now, maxFutureSkewSeconds: 300, maxAgeDays: 365, customTypes: new Map([["rating", { itemId: { type: "string", required: true }, rating: { type: "number", required: true } }]]) };
const codes = (input: unknown, r = rules) => validateEvent(input, r).problems.map((p) => `${p.path}:${p.code}`).sort();
const base = { messageId: "m", userId: "u", occurredAt: "2026-06-01T11:00:00Z" };

describe("validateEvent", () => {
  it("should normalize a purchase and derive item ids and revenue when it is valid", () => {
    const { event, problems } = validateEvent({ ...base, type: "purchase", email: " A@B.io ", properties: { orderId: "o", currency: "eur", lineItems: [{ itemId: "a", quantity: 2, price: 3.5 }, { itemId: "b", quantity: 1, price: 1 }] } }, rules);
    expect(problems).toEqual([]);
    expect(event).toMatchObject({ itemIds: ["a", "b"], revenue: 8, currency: "EUR", identifiers: { user_id: "u", email: "a@b.io" } });
  });

  it("should make a refund's revenue negative", () => {
    expect(validateEvent({ ...base, type: "refund", properties: { orderId: "o", amount: 4 } }, rules).event!.revenue).toBe(-4);
  });

  it("should report every reason with its path when an event has many problems", () => {
    expect(codes({ type: "add_to_cart", occurredAt: "yesterday", properties: { quantity: "2" }, context: { timezone: "Mars/Base", country: "FRA", utm: { foo: "x" } } })).toEqual([
      "context.country:invalid_value", "context.timezone:invalid_value", "context.utm.foo:invalid_value", "messageId:required", "occurredAt:invalid_timestamp",
      "properties.itemId:required", "properties.quantity:invalid_type", "userId:missing_identifier",
    ]);
  });

  it("should reject timestamps beyond the clock skew and older than the limit", () => {
    expect(codes({ ...base, type: "page_view", occurredAt: "2026-06-01T12:06:00Z" })).toEqual(["occurredAt:timestamp_in_future"]);
    expect(codes({ ...base, type: "page_view", occurredAt: "2024-01-01T00:00:00Z" })).toEqual(["occurredAt:timestamp_too_old"]);
    expect(codes({ ...base, type: "page_view", occurredAt: "2004-01-01T00:00:00Z" }, { ...rules, maxAgeDays: Infinity })).toEqual([]);
  });

  it("should reject negative, zero and absurd amounts and unknown currencies", () => {
    expect(codes({ ...base, type: "purchase", properties: { orderId: "o", currency: "ABC", lineItems: [{ itemId: "a", quantity: 0, price: 1 }, { itemId: "b", quantity: 1, price: -1 }, { itemId: "c", quantity: 5e6, price: 1 }, "x"] } })).toEqual([
      "properties.currency:unknown_currency", "properties.lineItems[0].quantity:invalid_value", "properties.lineItems[1].price:negative_value",
      "properties.lineItems[2].quantity:absurd_value", "properties.lineItems[3]:invalid_type",
    ]);
  });

  it("should check custom types against their schema and refuse unknown types", () => {
    expect(codes({ ...base, type: "rating", properties: { itemId: 5 } })).toEqual(["properties.itemId:invalid_type", "properties.rating:required"]);
    expect(codes({ ...base, type: "rating", properties: { itemId: "5", rating: 4 } })).toEqual([]);
    expect(codes({ ...base, type: "unknown_thing" })).toEqual(["type:unknown_event_type"]);
  });

  it("should reject non-objects, bad identifiers and oversized payloads", () => {
    expect(codes("x")).toEqual([":invalid_type"]);
    expect(codes({ ...base, type: "page_view", email: "not-mail", properties: [] })).toEqual(["email:invalid_value", "properties:invalid_type"]);
    expect(codes({ ...base, type: "page_view", properties: { blob: "x".repeat(300_000) } })).toEqual(["properties:payload_too_large"]);
  });
});
