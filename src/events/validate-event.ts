import { BUILT_IN_EVENT_TYPES, CONTEXT_SCHEMA, LINE_ITEM_SCHEMA, UTM_KEYS, type PropertySchema, type PropertySpec } from "./event-schema";
import type { EventProblem } from "./rejected-event.entity";

/** An event as a client sends it (GraphQL EventInput, importer rows, tracking links). */
export interface EventInputLike {
  messageId?: unknown;
  type?: unknown;
  occurredAt?: unknown;
  userId?: unknown;
  email?: unknown;
  anonymousId?: unknown;
  deviceId?: unknown;
  properties?: unknown;
  context?: unknown;
}

/** Identifier type → value, as stored in profile_identifiers. */
export type Identifiers = Partial<Record<"user_id" | "email" | "anonymous_id" | "device_id", string>>;

/** A valid event, normalized for storage. */
export interface ValidEvent {
  messageId: string;
  type: string;
  occurredAt: Date;
  identifiers: Identifiers;
  properties: Record<string, unknown>;
  context: Record<string, unknown>;
  itemIds: string[];
  revenue: number | null;
  currency: string | null;
}

/** What validation may consult: the clock, limits and the workspace's custom types. */
export interface ValidationRules {
  now: Date;
  /** Future clock skew allowed, in seconds. */
  maxFutureSkewSeconds: number;
  /** Oldest accepted event age in days (Infinity for historical imports). */
  maxAgeDays: number;
  customTypes: Map<string, PropertySchema>;
  maxPrice?: number;
  maxQuantity?: number;
}

const CURRENCIES = new Set(Intl.supportedValuesOf("currency"));
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_JSON_BYTES = 256 * 1024; // large wholesale orders carry ~1,000 lines

type Problems = EventProblem[];
const add = (problems: Problems, path: string, code: string, message: string) => problems.push({ path, code, message });
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

function typeOk(spec: PropertySpec, value: unknown): boolean {
  switch (spec.type) {
    case "string": return typeof value === "string";
    case "number": return typeof value === "number" && Number.isFinite(value);
    case "boolean": return typeof value === "boolean";
    case "date": return typeof value === "string" && !Number.isNaN(Date.parse(value));
    case "list": return Array.isArray(value);
    case "object": return isObject(value);
  }
}

/** Checks one object against a schema; reports every problem with its path. */
export function checkSchema(value: Record<string, unknown>, schema: PropertySchema, prefix: string, problems: Problems, rules: ValidationRules): void {
  for (const [name, spec] of Object.entries(schema)) {
    const path = `${prefix}.${name}`;
    const v = value[name];
    if (v === undefined || v === null) {
      if (spec.required) add(problems, path, "required", "is required");
      continue;
    }
    if (!typeOk(spec, v)) {
      add(problems, path, "invalid_type", `must be a ${spec.type}, got ${Array.isArray(v) ? "list" : typeof v}`);
      continue;
    }
    if (spec.kind === "price" || spec.kind === "quantity") checkAmount(v as number, spec.kind, path, problems, rules);
    if (spec.kind === "currency" && !CURRENCIES.has((v as string).toUpperCase())) add(problems, path, "unknown_currency", `"${String(v).slice(0, 10)}" is not an ISO 4217 currency code`);
  }
}

function checkAmount(v: number, kind: "price" | "quantity", path: string, problems: Problems, rules: ValidationRules): void {
  const max = kind === "price" ? (rules.maxPrice ?? 1_000_000) : (rules.maxQuantity ?? 1_000_000);
  if (v < 0) add(problems, path, "negative_value", `must not be negative, got ${v}`);
  else if (kind === "quantity" && v === 0) add(problems, path, "invalid_value", "must be greater than 0");
  else if (v > max) add(problems, path, "absurd_value", `${v} exceeds the plausible maximum ${max}`);
}

function text(value: unknown, path: string, problems: Problems, required: boolean, maxLength = 500): string | undefined {
  if (value === undefined || value === null || value === "") {
    if (required) add(problems, path, "required", "is required");
    return undefined;
  }
  if (typeof value !== "string") return void add(problems, path, "invalid_type", `must be a string, got ${typeof value}`);
  if (value.length > maxLength) return void add(problems, path, "invalid_value", `must be at most ${maxLength} characters`);
  return value;
}

function checkTimestamp(value: unknown, problems: Problems, rules: ValidationRules): Date {
  if (value === undefined || value === null || value === "") return rules.now;
  const ms = typeof value === "string" ? Date.parse(value) : typeof value === "number" ? value : NaN;
  if (Number.isNaN(ms) || (typeof value === "string" && !/^\d{4}-\d{2}-\d{2}/.test(value))) {
    add(problems, "occurredAt", "invalid_timestamp", "must be an ISO 8601 date-time");
    return rules.now;
  }
  const at = new Date(ms);
  if (ms - rules.now.getTime() > rules.maxFutureSkewSeconds * 1000) add(problems, "occurredAt", "timestamp_in_future", `is more than ${rules.maxFutureSkewSeconds}s in the future`);
  if (rules.now.getTime() - ms > rules.maxAgeDays * 86_400_000) add(problems, "occurredAt", "timestamp_too_old", `is more than ${rules.maxAgeDays} days old`);
  return at;
}

const knownZones = new Map<string, boolean>();
/** Is `zone` an IANA time zone? Cached: building a DateTimeFormat costs far more than a lookup. */
function isTimeZone(zone: string): boolean {
  let ok = knownZones.get(zone);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat("en", { timeZone: zone });
      ok = true;
    } catch {
      ok = false;
    }
    if (knownZones.size < 10_000) knownZones.set(zone, ok);
  }
  return ok;
}

function checkContext(context: Record<string, unknown>, problems: Problems, rules: ValidationRules): void {
  checkSchema(context, CONTEXT_SCHEMA, "context", problems, rules);
  if (typeof context.timezone === "string" && !isTimeZone(context.timezone)) add(problems, "context.timezone", "invalid_value", `"${context.timezone.slice(0, 40)}" is not an IANA time zone`);
  if (typeof context.country === "string" && !/^[A-Za-z]{2}$/.test(context.country)) add(problems, "context.country", "invalid_value", "must be an ISO 3166-1 alpha-2 code");
  if (isObject(context.utm)) for (const [k, v] of Object.entries(context.utm)) {
    if (!UTM_KEYS.includes(k)) add(problems, `context.utm.${k}`, "invalid_value", `unknown UTM parameter; allowed: ${UTM_KEYS.join(", ")}`);
    else if (typeof v !== "string") add(problems, `context.utm.${k}`, "invalid_type", "must be a string");
  }
}

function lines(props: Record<string, unknown>, problems: Problems, rules: ValidationRules): { itemIds: string[]; sum: number } {
  const list = Array.isArray(props.lineItems) ? props.lineItems : [];
  const itemIds: string[] = [];
  let sum = 0;
  list.forEach((line, i) => {
    const path = `properties.lineItems[${i}]`;
    if (!isObject(line)) return void add(problems, path, "invalid_type", "must be an object");
    const before = problems.length;
    checkSchema(line, LINE_ITEM_SCHEMA, path, problems, rules);
    if (typeof line.itemId === "string") itemIds.push(line.itemId);
    if (problems.length === before) sum += (line.quantity as number) * (line.price as number);
  });
  return { itemIds, sum };
}

/** Validates one event against the built-in or custom schema; returns the normalized event or every problem. */
export function validateEvent(input: unknown, rules: ValidationRules): { event?: ValidEvent; problems: EventProblem[] } {
  const problems: Problems = [];
  if (!isObject(input)) return { problems: [{ path: "", code: "invalid_type", message: "an event must be an object" }] };
  const e = input as EventInputLike;
  const messageId = text(e.messageId, "messageId", problems, true, 200);
  const type = text(e.type, "type", problems, true, 100);
  const occurredAt = checkTimestamp(e.occurredAt, problems, rules);
  const identifiers: Identifiers = {};
  const userId = text(e.userId, "userId", problems, false);
  const email = text(e.email, "email", problems, false, 320)?.trim().toLowerCase();
  const anonymousId = text(e.anonymousId, "anonymousId", problems, false);
  const deviceId = text(e.deviceId, "deviceId", problems, false);
  if (email !== undefined && !EMAIL.test(email)) add(problems, "email", "invalid_value", "is not an email address");
  if (userId) identifiers.user_id = userId;
  if (email) identifiers.email = email;
  if (anonymousId) identifiers.anonymous_id = anonymousId;
  if (deviceId) identifiers.device_id = deviceId;
  if (!userId && !email && !anonymousId && !deviceId && !problems.some((p) => ["userId", "email", "anonymousId", "deviceId"].includes(p.path)))
    add(problems, "userId", "missing_identifier", "at least one of userId, email, anonymousId, deviceId is required");
  const properties = e.properties ?? {};
  const context = e.context ?? {};
  if (!isObject(properties)) add(problems, "properties", "invalid_type", "must be an object");
  if (!isObject(context)) add(problems, "context", "invalid_type", "must be an object");
  if (!isObject(properties) || !isObject(context)) return { problems };
  if (JSON.stringify(properties).length + JSON.stringify(context).length > MAX_JSON_BYTES) add(problems, "properties", "payload_too_large", `properties and context must be under ${MAX_JSON_BYTES} bytes`);
  const schema = type === undefined ? undefined : (BUILT_IN_EVENT_TYPES[type] ?? rules.customTypes.get(type));
  if (type !== undefined && !schema) add(problems, "type", "unknown_event_type", `"${type.slice(0, 60)}" is neither a built-in type nor registered in this workspace`);
  if (schema) checkSchema(properties, schema, "properties", problems, rules);
  checkContext(context, problems, rules);
  let itemIds: string[] = [];
  let revenue: number | null = null;
  if (type === "purchase" || type === "refund") {
    const { itemIds: ids, sum } = lines(properties, problems, rules);
    itemIds = ids;
    const stated = type === "purchase" ? properties.total : properties.amount;
    const amount = typeof stated === "number" ? stated : sum;
    revenue = type === "refund" ? -amount : amount;
  } else if (typeof properties.itemId === "string") itemIds = [properties.itemId];
  else if (Array.isArray(properties.itemIds)) itemIds = properties.itemIds.filter((x): x is string => typeof x === "string");
  if (problems.length) return { problems };
  const currency = typeof properties.currency === "string" ? properties.currency.toUpperCase() : null;
  return { problems, event: { messageId: messageId!, type: type!, occurredAt, identifiers, properties, context, itemIds, revenue, currency: revenue === null ? null : currency } };
}
