import { ComparisonOp as Op, ItemField, type Comparison, type TraitType } from "./condition.types";

/** Which operators each value type accepts. */
export const OPS_BY_TYPE: Record<TraitType, Op[]> = {
  number: [Op.EQ, Op.NEQ, Op.GT, Op.GTE, Op.LT, Op.LTE, Op.BETWEEN, Op.IN, Op.NOT_IN, Op.EXISTS, Op.NOT_EXISTS],
  string: [Op.EQ, Op.NEQ, Op.IN, Op.NOT_IN, Op.CONTAINS, Op.STARTS_WITH, Op.EXISTS, Op.NOT_EXISTS],
  boolean: [Op.EQ, Op.NEQ, Op.EXISTS, Op.NOT_EXISTS],
  date: [Op.GT, Op.GTE, Op.LT, Op.LTE, Op.BETWEEN, Op.EXISTS, Op.NOT_EXISTS],
  list: [Op.CONTAINS, Op.CONTAINS_ANY, Op.CONTAINS_ALL, Op.EXISTS, Op.NOT_EXISTS],
};

export const SINGLE_VALUE_OPS = new Set([Op.EQ, Op.NEQ, Op.GT, Op.GTE, Op.LT, Op.LTE, Op.CONTAINS, Op.STARTS_WITH]);
export const MULTI_VALUE_OPS = new Set([Op.BETWEEN, Op.IN, Op.NOT_IN, Op.CONTAINS_ANY, Op.CONTAINS_ALL]);
export const NO_VALUE_OPS = new Set([Op.EXISTS, Op.NOT_EXISTS]);

export const ITEM_FIELD_TYPES: Record<ItemField, TraitType> = {
  [ItemField.CATEGORY]: "string",
  [ItemField.BRAND]: "string",
  [ItemField.PRICE]: "number",
  [ItemField.TAGS]: "list",
};

const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$/;

export function isIsoDate(value: unknown): value is string {
  return typeof value === "string" && ISO_DATE.test(value) && !Number.isNaN(Date.parse(value));
}

/** The type a scalar value has as a comparison operand (list elements are strings). */
export function scalarMatches(type: TraitType, value: unknown, maxLength: number): boolean {
  switch (type) {
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "boolean":
      return typeof value === "boolean";
    case "date":
      return isIsoDate(value);
    case "string":
    case "list":
      return typeof value === "string" && value.length <= maxLength;
  }
}

/** Infers an event property's type from the operands of its filter (properties have no schema). */
export function inferPropertyType(filter: Comparison): TraitType | null {
  if (filter.op === Op.CONTAINS_ANY || filter.op === Op.CONTAINS_ALL) return "list";
  const sample = filter.value ?? filter.values?.[0];
  if (typeof sample === "number") return "number";
  if (typeof sample === "boolean") return "boolean";
  if (typeof sample === "string") return filter.op === Op.CONTAINS ? "string" : [Op.GT, Op.GTE, Op.LT, Op.LTE, Op.BETWEEN].includes(filter.op) && isIsoDate(sample) ? "date" : "string";
  return null;
}
