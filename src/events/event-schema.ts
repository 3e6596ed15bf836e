import type { PropertyType } from "../profiles/value-types";

/** How one property is checked: its type, whether it is required and, for amounts, its kind. */
export interface PropertySpec {
  type: PropertyType;
  required?: boolean;
  /** price/amount: ≥ 0 and not absurd; quantity: > 0 and not absurd; currency: ISO 4217. */
  kind?: "price" | "quantity" | "currency";
}

/** A property schema: property name → spec. Unknown properties are kept as they are. */
export type PropertySchema = Record<string, PropertySpec>;

const price: PropertySpec = { type: "number", kind: "price" };
const currency: PropertySpec = { type: "string", kind: "currency" };
const quantity: PropertySpec = { type: "number", kind: "quantity" };
const str: PropertySpec = { type: "string" };
const req = (spec: PropertySpec): PropertySpec => ({ ...spec, required: true });
const email: PropertySchema = { campaignId: str, templateId: str, variantId: str, subject: str };

/** One purchased or refunded line. */
export const LINE_ITEM_SCHEMA: PropertySchema = { itemId: req(str), quantity: req(quantity), price: req(price), currency };

/** The built-in event types and their typed properties. */
export const BUILT_IN_EVENT_TYPES: Record<string, PropertySchema> = {
  page_view: { url: str, path: str, title: str },
  product_view: { itemId: req(str), price, currency, category: str },
  search: { query: req(str), results: { type: "number" } },
  add_to_cart: { itemId: req(str), quantity, price, currency },
  remove_from_cart: { itemId: req(str), quantity },
  checkout_started: { cartId: str, itemIds: { type: "list" }, value: price, currency },
  purchase: { orderId: req(str), lineItems: req({ type: "list" }), total: price, currency },
  refund: { orderId: req(str), lineItems: { type: "list" }, amount: price, currency },
  email_delivered: email,
  email_open: email,
  email_click: { ...email, url: str, itemId: str },
  unsubscribe: { ...email, list: str },
};

/**
 * Events kept even when analytics consent is denied: transactions (accounting, contract) and what
 * email delivery and consent handling require. Everything else is behavioural.
 */
export const NON_BEHAVIORAL_TYPES = new Set(["purchase", "refund", "email_delivered", "unsubscribe"]);

/** Context fields and their types (anything else in context is kept as sent). */
export const CONTEXT_SCHEMA: PropertySchema = {
  deviceType: str,
  userAgent: str,
  country: str,
  region: str,
  city: str,
  timezone: str,
  locale: str,
  referrer: str,
  ip: str,
  utm: { type: "object" },
};

export const UTM_KEYS = ["source", "medium", "campaign", "term", "content"];
