import { registerEnumType } from "type-graphql";

/** A comparison applied to a trait, an event property or an item field. */
export enum ComparisonOp {
  EQ = "EQ",
  NEQ = "NEQ",
  GT = "GT",
  GTE = "GTE",
  LT = "LT",
  LTE = "LTE",
  BETWEEN = "BETWEEN",
  IN = "IN",
  NOT_IN = "NOT_IN",
  CONTAINS = "CONTAINS",
  CONTAINS_ANY = "CONTAINS_ANY",
  CONTAINS_ALL = "CONTAINS_ALL",
  STARTS_WITH = "STARTS_WITH",
  EXISTS = "EXISTS",
  NOT_EXISTS = "NOT_EXISTS",
}

/** Where a trait lives on the profile. */
export enum TraitSource {
  TRAITS = "TRAITS",
  COMPUTED = "COMPUTED",
}

/** How an event count is compared with `times`. */
export enum CountOp {
  AT_LEAST = "AT_LEAST",
  AT_MOST = "AT_MOST",
  EXACTLY = "EXACTLY",
}

/** Consent state of a profile for one purpose. */
export enum ConsentState {
  GRANTED = "GRANTED",
  DENIED = "DENIED",
  REVOKED = "REVOKED",
  UNKNOWN = "UNKNOWN",
}

/** Fields of a catalog item an item filter can test. */
export enum ItemField {
  CATEGORY = "CATEGORY",
  BRAND = "BRAND",
  PRICE = "PRICE",
  TAGS = "TAGS",
}

registerEnumType(ComparisonOp, { name: "ComparisonOp", description: "EQ/NEQ/GT/GTE/LT/LTE take `value`; BETWEEN takes `values: [low, high]`; IN/NOT_IN/CONTAINS_ANY/CONTAINS_ALL take `values`; EXISTS/NOT_EXISTS take nothing" });
registerEnumType(TraitSource, { name: "TraitSource", description: "TRAITS: identify()/custom traits; COMPUTED: traits Kindred derives (RFM, propensities, …)" });
registerEnumType(CountOp, { name: "CountOp" });
registerEnumType(ConsentState, { name: "ConsentState" });
registerEnumType(ItemField, { name: "ItemField", description: "CATEGORY matches the leaf category or any ancestor in the category path" });

/** The value type of a trait, which decides the operators it accepts. */
export type TraitType = "number" | "string" | "boolean" | "date" | "list";

/** A typed comparison (trait, property or item field). */
export interface Comparison {
  op: ComparisonOp;
  value?: unknown;
  values?: unknown[] | null;
}

export interface TraitCondition extends Comparison {
  name: string;
  source?: TraitSource | null;
}

export interface PropertyFilter extends Comparison {
  property: string;
}

export interface ItemFilter extends Comparison {
  field: ItemField;
}

/** A time window: the last `days` and/or `hours`. */
export interface Window {
  days?: number | null;
  hours?: number | null;
}

export interface EventCondition {
  type: string;
  count?: CountOp | null;
  times?: number | null;
  didNot?: boolean | null;
  within?: Window | null;
  where?: PropertyFilter[] | null;
  items?: ItemFilter[] | null;
}

export interface ConsentCondition {
  purpose: string;
  status: ConsentState;
}

export interface SegmentRef {
  id: string;
}

/** One node of a segment's condition tree: exactly one key is set. JSON and GraphQL share this shape. */
export interface Condition {
  and?: Condition[] | null;
  or?: Condition[] | null;
  not?: Condition | null;
  trait?: TraitCondition | null;
  consent?: ConsentCondition | null;
  event?: EventCondition | null;
  segment?: SegmentRef | null;
}

export const CONDITION_KEYS = ["and", "or", "not", "trait", "consent", "event", "segment"] as const;

/** Known traits of a workspace with their types. */
export interface TraitCatalog {
  traits: Map<string, TraitType>;
  computed: Map<string, TraitType>;
}

/** What validation and compilation need to know about a referenced segment. */
export interface SegmentInfo {
  id: string;
  kind: "RULE" | "CLUSTER" | "LOOKALIKE";
  archived: boolean;
  condition: Condition | null;
}

export const LIMITS = {
  maxWindowDays: 365,
  maxDepth: 12,
  maxNodes: 200,
  maxValues: 1000,
  maxStringLength: 1000,
  maxTimes: 1_000_000,
};

/** Seconds of a window, or null for "all time". */
export function windowSeconds(window: Window | null | undefined): number | null {
  if (!window) return null;
  return (window.days ?? 0) * 86_400 + (window.hours ?? 0) * 3_600;
}
