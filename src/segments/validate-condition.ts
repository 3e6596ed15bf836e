import type { FieldProblem } from "../common/errors";
import { isUuid } from "../common/validation";
import { MULTI_VALUE_OPS, NO_VALUE_OPS, OPS_BY_TYPE, SINGLE_VALUE_OPS, ITEM_FIELD_TYPES, inferPropertyType, scalarMatches } from "./comparison-rules";
import { CONDITION_KEYS, ComparisonOp, ConsentState, CountOp, ItemField, LIMITS, TraitSource, type Comparison, type Condition, type SegmentInfo, type TraitCatalog, type TraitType } from "./condition.types";

/** What validation checks a condition against. */
export interface ValidationContext {
  catalog: TraitCatalog;
  /** Segments of the workspace by id. */
  segments: Map<string, SegmentInfo>;
  /** The segment being saved (for cycle detection). */
  selfId?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const set = (v: unknown) => v !== undefined && v !== null;

/** Validates a condition tree and returns every problem with its path (empty = valid). */
export function validateCondition(condition: unknown, path: string, ctx: ValidationContext): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const state = { nodes: 0 };
  node(condition, path, 1, ctx, problems, state);
  if (state.nodes > LIMITS.maxNodes) problems.push({ path, message: `has ${state.nodes} conditions; at most ${LIMITS.maxNodes} are allowed` });
  return problems;
}

function node(value: unknown, path: string, depth: number, ctx: ValidationContext, out: FieldProblem[], state: { nodes: number }): void {
  state.nodes++;
  if (!isObject(value)) return void out.push({ path, message: "must be a condition object" });
  if (depth > LIMITS.maxDepth) return void out.push({ path, message: `is nested deeper than ${LIMITS.maxDepth} levels` });
  const keys = Object.keys(value).filter((k) => set(value[k]));
  const unknown = keys.filter((k) => !(CONDITION_KEYS as readonly string[]).includes(k));
  for (const k of unknown) out.push({ path: `${path}.${k}`, message: `is not a condition; use one of ${CONDITION_KEYS.join(", ")}` });
  const known = keys.filter((k) => !unknown.includes(k));
  if (known.length !== 1) {
    if (!unknown.length) out.push({ path, message: `must set exactly one of ${CONDITION_KEYS.join(", ")} (found ${known.length ? known.join(", ") : "none"})` });
    return;
  }
  const key = known[0] as (typeof CONDITION_KEYS)[number];
  const inner = value[key];
  const at = `${path}.${key}`;
  if (key === "and" || key === "or") {
    if (!Array.isArray(inner) || inner.length === 0) return void out.push({ path: at, message: "must be a non-empty list of conditions" });
    inner.forEach((child, i) => node(child, `${at}[${i}]`, depth + 1, ctx, out, state));
  } else if (key === "not") node(inner, at, depth + 1, ctx, out, state);
  else if (!isObject(inner)) out.push({ path: at, message: "must be an object" });
  else if (key === "trait") trait(inner, at, ctx, out);
  else if (key === "consent") consent(inner, at, out);
  else if (key === "event") event(inner, at, out);
  else segmentRef(inner, at, ctx, out);
}

function trait(t: Record<string, unknown>, path: string, ctx: ValidationContext, out: FieldProblem[]): void {
  const source = (t.source ?? TraitSource.TRAITS) as TraitSource;
  if (!Object.values(TraitSource).includes(source)) return void out.push({ path: `${path}.source`, message: `must be one of ${Object.values(TraitSource).join(", ")}` });
  if (typeof t.name !== "string" || !t.name) return void out.push({ path: `${path}.name`, message: "must be a trait name" });
  const known = source === TraitSource.COMPUTED ? ctx.catalog.computed : ctx.catalog.traits;
  const type = known.get(t.name);
  if (!type) {
    const names = [...known.keys()].slice(0, 20).join(", ");
    return void out.push({ path: `${path}.name`, message: `unknown ${source === TraitSource.COMPUTED ? "computed trait" : "trait"} "${t.name.slice(0, 80)}"${names ? ` (known: ${names})` : ""}` });
  }
  comparison(t as unknown as Comparison, type, path, `${source === TraitSource.COMPUTED ? "computed trait" : "trait"} "${t.name}"`, out);
}

/** Checks operator and operands against a value type. */
export function comparison(c: Comparison, type: TraitType, path: string, what: string, out: FieldProblem[]): void {
  if (!Object.values(ComparisonOp).includes(c.op)) return void out.push({ path: `${path}.op`, message: "must be a comparison operator" });
  if (!OPS_BY_TYPE[type].includes(c.op)) return void out.push({ path: `${path}.op`, message: `${c.op} does not apply to ${what} of type ${type}; use one of ${OPS_BY_TYPE[type].join(", ")}` });
  const expected = type === "list" ? "a string" : type === "date" ? "an ISO-8601 date" : `a ${type}`;
  if (SINGLE_VALUE_OPS.has(c.op)) {
    if (!set(c.value)) out.push({ path: `${path}.value`, message: `is required for ${c.op}` });
    else if (!scalarMatches(type, c.value, LIMITS.maxStringLength)) out.push({ path: `${path}.value`, message: `must be ${expected} for ${what}` });
    if (set(c.values)) out.push({ path: `${path}.values`, message: `is not used by ${c.op}; use value` });
  } else if (MULTI_VALUE_OPS.has(c.op)) {
    if (set(c.value)) out.push({ path: `${path}.value`, message: `is not used by ${c.op}; use values` });
    if (!Array.isArray(c.values) || c.values.length === 0) return void out.push({ path: `${path}.values`, message: `is required for ${c.op}` });
    if (c.op === ComparisonOp.BETWEEN && c.values.length !== 2) return void out.push({ path: `${path}.values`, message: "BETWEEN takes exactly two values: [low, high]" });
    if (c.values.length > LIMITS.maxValues) return void out.push({ path: `${path}.values`, message: `has ${c.values.length} values; at most ${LIMITS.maxValues}` });
    c.values.forEach((v, i) => {
      if (!scalarMatches(type, v, LIMITS.maxStringLength)) out.push({ path: `${path}.values[${i}]`, message: `must be ${expected} for ${what}` });
    });
    if (c.op === ComparisonOp.BETWEEN && c.values.every((v) => scalarMatches(type, v, LIMITS.maxStringLength))) {
      const [lo, hi] = type === "date" ? c.values.map((v) => Date.parse(v as string)) : (c.values as number[]);
      if (lo > hi) out.push({ path: `${path}.values`, message: "BETWEEN needs low <= high" });
    }
  } else if (NO_VALUE_OPS.has(c.op) && (set(c.value) || set(c.values))) out.push({ path: `${path}.value`, message: `${c.op} takes no value` });
}

function consent(c: Record<string, unknown>, path: string, out: FieldProblem[]): void {
  if (typeof c.purpose !== "string" || !/^[A-Za-z0-9_.:-]{1,64}$/.test(c.purpose)) out.push({ path: `${path}.purpose`, message: "must be a purpose name (letters, digits, _ . : -; at most 64)" });
  if (!Object.values(ConsentState).includes(c.status as ConsentState)) out.push({ path: `${path}.status`, message: `must be one of ${Object.values(ConsentState).join(", ")}` });
}

function event(e: Record<string, unknown>, path: string, out: FieldProblem[]): void {
  if (typeof e.type !== "string" || !e.type || e.type.length > 200) out.push({ path: `${path}.type`, message: "must be an event type (1 to 200 characters)" });
  if (set(e.count) && !Object.values(CountOp).includes(e.count as CountOp)) out.push({ path: `${path}.count`, message: `must be one of ${Object.values(CountOp).join(", ")}` });
  if (set(e.times) && (!Number.isInteger(e.times) || (e.times as number) < 0 || (e.times as number) > LIMITS.maxTimes)) out.push({ path: `${path}.times`, message: `must be an integer from 0 to ${LIMITS.maxTimes}` });
  if (e.didNot === true && (set(e.count) || set(e.times)) && !(e.count === CountOp.AT_LEAST && e.times === 1)) out.push({ path: `${path}.didNot`, message: "cannot be combined with count/times" });
  if (set(e.within)) window(e.within, `${path}.within`, out);
  if (set(e.where)) {
    if (!Array.isArray(e.where)) out.push({ path: `${path}.where`, message: "must be a list of property filters" });
    else e.where.forEach((f, i) => propertyFilter(f, `${path}.where[${i}]`, out));
  }
  if (set(e.items)) {
    if (!Array.isArray(e.items) || !e.items.length) out.push({ path: `${path}.items`, message: "must be a non-empty list of item filters" });
    else e.items.forEach((f, i) => itemFilter(f, `${path}.items[${i}]`, out));
  }
}

function window(w: unknown, path: string, out: FieldProblem[]): void {
  if (!isObject(w)) return void out.push({ path, message: "must be { days, hours }" });
  for (const unit of ["days", "hours"] as const) {
    if (set(w[unit]) && (!Number.isInteger(w[unit]) || (w[unit] as number) < 0)) out.push({ path: `${path}.${unit}`, message: "must be a whole number >= 0" });
  }
  const seconds = (Number(w.days ?? 0) || 0) * 86400 + (Number(w.hours ?? 0) || 0) * 3600;
  if (seconds <= 0) out.push({ path, message: "must be at least one hour" });
  else if (seconds > LIMITS.maxWindowDays * 86400) out.push({ path, message: `window too large: at most ${LIMITS.maxWindowDays} days` });
}

function propertyFilter(f: unknown, path: string, out: FieldProblem[]): void {
  if (!isObject(f)) return void out.push({ path, message: "must be a property filter" });
  if (typeof f.property !== "string" || !f.property || f.property.length > 200) out.push({ path: `${path}.property`, message: "must be a property name (1 to 200 characters)" });
  const c = f as unknown as Comparison;
  if (NO_VALUE_OPS.has(c.op)) return comparison(c, "string", path, `property "${String(f.property)}"`, out);
  const type = inferPropertyType(c);
  if (!type) return void out.push({ path: `${path}.value`, message: `is required for ${String(c.op)} (a number, string or boolean)` });
  comparison(c, type, path, `property "${String(f.property)}"`, out);
}

function itemFilter(f: unknown, path: string, out: FieldProblem[]): void {
  if (!isObject(f)) return void out.push({ path, message: "must be an item filter" });
  const field = f.field as ItemField;
  if (!Object.values(ItemField).includes(field)) return void out.push({ path: `${path}.field`, message: `must be one of ${Object.values(ItemField).join(", ")}` });
  comparison(f as unknown as Comparison, ITEM_FIELD_TYPES[field], path, `item ${field.toLowerCase()}`, out);
}

function segmentRef(s: Record<string, unknown>, path: string, ctx: ValidationContext, out: FieldProblem[]): void {
  const id = s.id;
  if (typeof id !== "string" || !isUuid(id)) return void out.push({ path: `${path}.id`, message: "must be a segment id (UUID)" });
  const target = ctx.segments.get(id);
  if (!target) return void out.push({ path: `${path}.id`, message: `segment ${id} was not found` });
  if (target.archived) out.push({ path: `${path}.id`, message: `segment ${id} is archived` });
  const cycle = findCycle(id, ctx, [ctx.selfId ?? "(this segment)"]);
  if (cycle) out.push({ path: `${path}.id`, message: `cyclic segment reference: ${cycle.join(" -> ")}` });
}

/** Follows rule references from `id`; returns the path when it comes back to the segment being saved. */
function findCycle(id: string, ctx: ValidationContext, trail: string[]): string[] | null {
  if (ctx.selfId && id === ctx.selfId) return [...trail, id];
  if (trail.includes(id)) return null; // a cycle elsewhere was already refused when it was saved
  const target = ctx.segments.get(id);
  if (!target?.condition) return null;
  for (const ref of referencedSegments(target.condition)) {
    const found = findCycle(ref, ctx, [...trail, id]);
    if (found) return found;
  }
  return null;
}

/** Ids of the segments a condition refers to directly. */
export function referencedSegments(condition: Condition): string[] {
  const ids: string[] = [];
  const walk = (c: Condition | null | undefined): void => {
    if (!c) return;
    c.and?.forEach(walk);
    c.or?.forEach(walk);
    walk(c.not);
    if (c.segment?.id) ids.push(c.segment.id);
  };
  walk(condition);
  return ids;
}
