import { ITEM_FIELD_TYPES, inferPropertyType } from "./comparison-rules";
import { ComparisonOp as Op, CountOp, ItemField, TraitSource, windowSeconds, type Comparison, type Condition, type EventCondition, type SegmentInfo, type TraitCatalog, type TraitType } from "./condition.types";
import type { SqlParams } from "./sql-params";

/**
 * How a condition becomes SQL. The statement binds `$1` = workspace id and `$2` = "now"
 * (timestamptz); the profile row is aliased `p`. `profilesParam` (a uuid[] placeholder)
 * narrows event subqueries to the profiles being evaluated, for the incremental path.
 */
export interface CompileContext {
  params: SqlParams;
  catalog: TraitCatalog;
  segments: Map<string, SegmentInfo>;
  profilesParam?: string;
}

const CMP: Partial<Record<Op, string>> = { [Op.EQ]: "=", [Op.NEQ]: "<>", [Op.GT]: ">", [Op.GTE]: ">=", [Op.LT]: "<", [Op.LTE]: "<=" };
const CAST: Record<TraitType, string> = { number: "numeric", string: "text", boolean: "boolean", date: "timestamptz", list: "text" };

/** Compiles a validated condition to a boolean SQL expression over profile `p` (never NULL). */
export function compileCondition(condition: Condition, ctx: CompileContext, trail: string[] = []): string {
  if (condition.and) return `(${condition.and.map((c) => compileCondition(c, ctx, trail)).join(" AND ")})`;
  if (condition.or) return `(${condition.or.map((c) => compileCondition(c, ctx, trail)).join(" OR ")})`;
  if (condition.not) return `(NOT ${compileCondition(condition.not, ctx, trail)})`;
  if (condition.trait) {
    const computed = condition.trait.source === TraitSource.COMPUTED;
    const type = (computed ? ctx.catalog.computed : ctx.catalog.traits).get(condition.trait.name);
    if (!type) return "false"; // a trait whose definition was removed matches nobody
    const json = `(${computed ? "p.computed" : "p.traits"} -> ${ctx.params.add(condition.trait.name, "text")})`;
    return `COALESCE(${compareJson(json, type, condition.trait, ctx.params)}, false)`;
  }
  if (condition.consent) {
    // Current consent per (profile, purpose) lives in the privacy module's `consents` table; no row = UNKNOWN.
    const purpose = ctx.params.add(condition.consent.purpose, "text");
    const status = `(SELECT c.status FROM consents c WHERE c.workspace_id = $1 AND c.profile_id = p.id AND c.purpose = ${purpose})`;
    return `(COALESCE(${status}, 'UNKNOWN') = ${ctx.params.add(condition.consent.status, "text")})`;
  }
  if (condition.event) return compileEvent(condition.event, ctx);
  if (condition.segment) return compileSegmentRef(condition.segment.id, ctx, trail);
  throw new Error("empty condition node (validate before compiling)");
}

function compileSegmentRef(id: string, ctx: CompileContext, trail: string[]): string {
  const target = ctx.segments.get(id);
  if (!target || trail.includes(id)) return "false";
  // Rule segments are inlined so membership follows their rule in the same pass; ML segments use stored members.
  if (target.kind === "RULE" && target.condition) return compileCondition(target.condition, ctx, [...trail, id]);
  return `(p.id IN (SELECT sm.profile_id FROM segment_memberships sm WHERE sm.workspace_id = $1 AND sm.segment_id = ${ctx.params.add(id, "uuid")} AND sm.exited_at IS NULL))`;
}

function compileEvent(e: EventCondition, ctx: CompileContext): string {
  const bound = countBounds(e);
  // "at least 0" holds for everyone; bind nothing (an unused parameter has no type).
  if (bound.kind === "atLeast" && bound.n <= 0) return "true";
  const p = ctx.params;
  const where = ["e.workspace_id = $1", `e.type = ${p.add(e.type, "text")}`];
  const seconds = windowSeconds(e.within);
  if (seconds !== null) where.push(`e.occurred_at > $2 - ${p.add(seconds, "int")} * interval '1 second'`, "e.occurred_at <= $2");
  if (ctx.profilesParam) where.push(`e.profile_id = ANY(${ctx.profilesParam})`);
  for (const f of e.where ?? []) {
    const json = `(e.properties -> ${p.add(f.property, "text")})`;
    where.push(`COALESCE(${compareJson(json, inferPropertyType(f) ?? "string", f, p, true)}, false)`);
  }
  if (e.items?.length) {
    const itemConds = e.items.map((f) => `COALESCE(${compareItem(f.field, f, p)}, false)`);
    where.push(`EXISTS (SELECT 1 FROM items i WHERE i.workspace_id = $1 AND i.id = ANY(e.item_ids) AND ${itemConds.join(" AND ")})`);
  }
  const sub = (having: string | null) => `p.id IN (SELECT e.profile_id FROM events e WHERE ${where.join(" AND ")}${having ? ` GROUP BY e.profile_id HAVING ${having}` : ""})`;
  const atLeast = (n: number) => (n <= 0 ? "true" : sub(n === 1 ? null : `count(*) >= ${p.add(n, "int")}`));
  if (bound.kind === "exactly") return `(${sub(`count(*) = ${p.add(bound.n, "int")}`)})`;
  if (bound.kind === "atLeast") return `(${atLeast(bound.n)})`;
  // "at most N" is "not at least N+1": an anti-join the planner can hash.
  return `(NOT ${atLeast(bound.n + 1)})`;
}

/** Normalizes count/times/didNot to at least / exactly (n >= 1) / at most N. */
export function countBounds(e: EventCondition): { kind: "atLeast" | "exactly" | "atMost"; n: number } {
  if (e.didNot) return { kind: "atMost", n: 0 };
  const n = e.times ?? 1;
  const count = e.count ?? CountOp.AT_LEAST;
  if (count === CountOp.AT_LEAST) return { kind: "atLeast", n };
  if (count === CountOp.EXACTLY) return n === 0 ? { kind: "atMost", n: 0 } : { kind: "exactly", n };
  return { kind: "atMost", n };
}

function compareItem(field: ItemField, c: Comparison, p: SqlParams): string {
  if (field === ItemField.CATEGORY) {
    // A category matches the leaf or any ancestor in the path.
    if (c.op === Op.EQ) {
      const v = p.add(c.value, "text");
      return `(i.category = ${v} OR ${v} = ANY(i.category_path))`;
    }
    if (c.op === Op.IN) {
      const v = p.add(c.values, "text[]");
      return `(i.category = ANY(${v}) OR i.category_path && ${v})`;
    }
    if (c.op === Op.NEQ || c.op === Op.NOT_IN) return `(NOT ${compareItem(field, { ...c, op: c.op === Op.NEQ ? Op.EQ : Op.IN }, p)})`;
  }
  if (field === ItemField.TAGS) return compareArray("i.tags", c, p);
  return compareScalar(field === ItemField.PRICE ? "i.price" : field === ItemField.BRAND ? "i.brand" : "i.category", ITEM_FIELD_TYPES[field], c, p);
}

function compareArray(column: string, c: Comparison, p: SqlParams): string {
  if (c.op === Op.EXISTS) return `(cardinality(${column}) > 0)`;
  if (c.op === Op.NOT_EXISTS) return `(cardinality(${column}) = 0)`;
  if (c.op === Op.CONTAINS) return `(${p.add(c.value, "text")} = ANY(${column}))`;
  if (c.op === Op.CONTAINS_ALL) return `(${column} @> ${p.add(c.values, "text[]")})`;
  return `(${column} && ${p.add(c.values, "text[]")})`;
}

/** A typed comparison on a plain column. */
function compareScalar(column: string, type: TraitType, c: Comparison, p: SqlParams): string {
  const cast = CAST[type];
  if (c.op === Op.EXISTS) return `(${column} IS NOT NULL)`;
  if (c.op === Op.NOT_EXISTS) return `(${column} IS NULL)`;
  if (CMP[c.op]) return `(${column} ${CMP[c.op]} ${p.add(c.value, cast)})`;
  if (c.op === Op.BETWEEN) return `(${column} BETWEEN ${p.add(c.values![0], cast)} AND ${p.add(c.values![1], cast)})`;
  if (c.op === Op.IN) return `(${column} = ANY(${p.add(c.values, `${cast}[]`)}))`;
  if (c.op === Op.NOT_IN) return `(${column} <> ALL(${p.add(c.values, `${cast}[]`)}))`;
  if (c.op === Op.CONTAINS) return `(strpos(${column}, ${p.add(c.value, "text")}) > 0)`;
  if (c.op === Op.STARTS_WITH) return `starts_with(${column}, ${p.add(c.value, "text")})`;
  throw new Error(`operator ${c.op} does not apply to ${type}`);
}

/**
 * A typed comparison on a jsonb value. Values of another JSON type compare as missing, so one
 * odd profile never fails the statement with a cast error.
 */
function compareJson(json: string, type: TraitType, c: Comparison, p: SqlParams, loose = false): string {
  if (c.op === Op.EXISTS) return `(COALESCE(jsonb_typeof(${json}), 'null') <> 'null')`;
  if (c.op === Op.NOT_EXISTS) return `(COALESCE(jsonb_typeof(${json}), 'null') = 'null')`;
  if (type === "list" || (loose && c.op === Op.CONTAINS)) {
    const array = `(CASE WHEN jsonb_typeof(${json}) = 'array' THEN ${json} END)`;
    if (c.op === Op.CONTAINS) {
      const listTest = `${array} @> jsonb_build_array(${p.add(c.value, "text")})`;
      // Event properties have no schema: CONTAINS tests elements of arrays and substrings of strings.
      return loose ? `(${listTest} OR strpos(CASE WHEN jsonb_typeof(${json}) = 'string' THEN ${json} #>> '{}' END, ${p.add(c.value, "text")}) > 0)` : `(${listTest})`;
    }
    if (c.op === Op.CONTAINS_ALL) return `jsonb_exists_all(${array}, ${p.add(c.values, "text[]")})`;
    return `jsonb_exists_any(${array}, ${p.add(c.values, "text[]")})`;
  }
  const scalar: Record<TraitType, string> = {
    number: `(CASE WHEN jsonb_typeof(${json}) = 'number' THEN (${json})::numeric END)`,
    boolean: `(CASE WHEN jsonb_typeof(${json}) = 'boolean' THEN (${json})::boolean END)`,
    string: `(CASE WHEN jsonb_typeof(${json}) = 'string' THEN ${json} #>> '{}' END)`,
    date: `kindred_try_timestamptz(CASE WHEN jsonb_typeof(${json}) = 'string' THEN ${json} #>> '{}' END)`,
    list: "",
  };
  return compareScalar(scalar[type], type, c, p);
}
