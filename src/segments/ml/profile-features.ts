import type { EntityManager } from "typeorm";
import type { FieldProblem } from "../../common/errors";
import type { TraitCatalog } from "../condition.types";
import { SqlParams } from "../sql-params";

/** A numeric profile feature for clustering and lookalikes. */
export interface FeatureSpec {
  name: string;
  source: "TRAITS" | "COMPUTED" | "BEHAVIOUR";
}

export const BEHAVIOUR_FEATURES = ["frequency", "monetary", "recency_days", "events_30d"];
export const DEFAULT_FEATURES: FeatureSpec[] = BEHAVIOUR_FEATURES.map((name) => ({ name, source: "BEHAVIOUR" }));
const MAX_PROFILES = 500_000;

/** Checks features against the workspace's numeric traits and the built-in behaviour features. */
export function validateFeatures(features: FeatureSpec[], catalog: TraitCatalog, path: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!features.length || features.length > 50) problems.push({ path, message: "must list 1 to 50 features" });
  features.forEach((f, i) => {
    const at = `${path}[${i}]`;
    if (f.source === "BEHAVIOUR") {
      const category = f.name.startsWith("category:") ? f.name.slice(9) : null;
      if (category === null ? !BEHAVIOUR_FEATURES.includes(f.name) : !category || category.length > 100)
        problems.push({ path: `${at}.name`, message: `unknown behaviour feature "${f.name.slice(0, 80)}"; use ${BEHAVIOUR_FEATURES.join(", ")} or category:<name>` });
    } else if (f.source === "TRAITS" || f.source === "COMPUTED") {
      const type = (f.source === "COMPUTED" ? catalog.computed : catalog.traits).get(f.name);
      if (type !== "number") problems.push({ path: `${at}.name`, message: type ? `"${f.name}" is a ${type} trait; features must be numbers` : `unknown ${f.source === "COMPUTED" ? "computed trait" : "trait"} "${f.name.slice(0, 80)}"` });
    } else problems.push({ path: `${at}.source`, message: "must be TRAITS, COMPUTED or BEHAVIOUR" });
  });
  return problems;
}

/**
 * Loads one row of features per active profile in one statement (names bound as parameters).
 * Missing values are imputed with the column mean.
 */
export async function loadFeatures(manager: EntityManager, workspaceId: string, features: FeatureSpec[], now: Date): Promise<{ ids: string[]; rows: number[][] }> {
  const params = new SqlParams([workspaceId, now]);
  const behaviour = features.some((f) => f.source === "BEHAVIOUR");
  const columns = features.map((f, i) => {
    if (f.source !== "BEHAVIOUR") {
      const k = params.add(f.name, "text");
      const column = f.source === "COMPUTED" ? "p.computed" : "p.traits";
      return `CASE WHEN jsonb_typeof(${column} -> ${k}) = 'number' THEN (${column} -> ${k})::float8 END AS f${i}`;
    }
    if (f.name.startsWith("category:")) {
      const c = params.add(f.name.slice(9), "text");
      return `(SELECT count(*) FROM events e JOIN items i ON i.workspace_id = e.workspace_id AND i.id = ANY(e.item_ids)
                WHERE e.workspace_id = $1 AND e.profile_id = p.id AND (i.category = ${c} OR ${c} = ANY(i.category_path)))::float8 / greatest(1, b.total) AS f${i}`;
    }
    return `b.${f.name}::float8 AS f${i}`;
  });
  const lateral = behaviour
    ? `LEFT JOIN LATERAL (SELECT count(*) AS total, count(*) FILTER (WHERE e.type = 'purchase') AS frequency,
         COALESCE(sum(e.revenue) FILTER (WHERE e.type = 'purchase'), 0) AS monetary,
         COALESCE(extract(epoch FROM ($2::timestamptz - max(e.occurred_at))) / 86400, 365) AS recency_days,
         count(*) FILTER (WHERE e.occurred_at > $2::timestamptz - interval '30 days') AS events_30d
         FROM events e WHERE e.workspace_id = $1 AND e.profile_id = p.id) b ON true`
    : "";
  const rows = (await manager.query(
    `SELECT p.id, ${columns.join(", ")} FROM profiles p ${lateral}
      WHERE p.workspace_id = $1 AND p.merged_into_id IS NULL AND $2::timestamptz IS NOT NULL ORDER BY p.id LIMIT ${MAX_PROFILES}`,
    params.values,
  )) as Record<string, unknown>[];
  const matrix = rows.map((r) => features.map((_, i) => (r[`f${i}`] === null ? NaN : Number(r[`f${i}`]))));
  features.forEach((_, j) => {
    const present = matrix.map((r) => r[j]).filter((v) => Number.isFinite(v));
    const mean = present.length ? present.reduce((s, v) => s + v, 0) / present.length : 0;
    for (const r of matrix) if (!Number.isFinite(r[j])) r[j] = mean;
  });
  return { ids: rows.map((r) => r.id as string), rows: matrix };
}
