import type { EntityManager } from "typeorm";
import type { TraitCatalog, TraitType } from "./condition.types";
import { isIsoDate } from "./comparison-rules";

const SAMPLE = 5000;
const TTL_MS = 30_000;

/** Computed traits every workspace may use in rules, with their types (predictions write the last two). */
export const BASE_COMPUTED_TRAITS: Record<string, TraitType> = {
  purchase_propensity: "number",
  churn_risk: "number",
};

/**
 * The traits a workspace's rules may name, with their types: declared definitions and computed
 * traits when the profiles module provides them, plus what the workspace's recent profiles
 * actually carry (sampled; the most frequent type wins).
 */
export class TraitCatalogService {
  private readonly cache = new Map<string, { at: number; catalog: TraitCatalog }>();

  constructor(
    private readonly declared: (workspaceId: string) => Promise<Partial<Record<"traits" | "computed", Map<string, TraitType>>>> = async () => ({}),
  ) {}

  invalidate(workspaceId: string): void {
    this.cache.delete(workspaceId);
  }

  /** `fresh` skips the cache (saving a rule must see traits that arrived a moment ago). */
  async get(manager: EntityManager, workspaceId: string, fresh = false): Promise<TraitCatalog> {
    const hit = this.cache.get(workspaceId);
    if (!fresh && hit && Date.now() - hit.at < TTL_MS) return hit.catalog;
    const rows: { source: string; key: string; kind: string; sample: unknown }[] = await manager.query(
      `SELECT kv.source, kv.key, jsonb_typeof(kv.value) AS kind, min(kv.value #>> '{}') AS sample, count(*) AS seen
         FROM (SELECT traits, computed FROM profiles WHERE workspace_id = $1 ORDER BY updated_at DESC LIMIT ${SAMPLE}) p
         CROSS JOIN LATERAL (SELECT 'traits' AS source, t.key, t.value FROM jsonb_each(p.traits) t
                             UNION ALL SELECT 'computed', c.key, c.value FROM jsonb_each(p.computed) c) kv
        WHERE jsonb_typeof(kv.value) <> 'null'
        GROUP BY 1, 2, 3 ORDER BY seen DESC`,
      [workspaceId],
    );
    const catalog: TraitCatalog = { traits: new Map(), computed: new Map(Object.entries(BASE_COMPUTED_TRAITS)) };
    for (const row of rows) {
      const type = observedType(row.kind, row.sample);
      const map = row.source === "computed" ? catalog.computed : catalog.traits;
      if (type && !map.has(row.key)) map.set(row.key, type);
    }
    const declared = await this.declared(workspaceId);
    for (const [name, type] of declared.traits ?? []) catalog.traits.set(name, type);
    for (const [name, type] of declared.computed ?? []) catalog.computed.set(name, type);
    this.cache.set(workspaceId, { at: Date.now(), catalog });
    return catalog;
  }
}

function observedType(kind: string, sample: unknown): TraitType | null {
  if (kind === "number" || kind === "boolean") return kind;
  if (kind === "array") return "list";
  if (kind === "string") return isIsoDate(sample) ? "date" : "string";
  return null;
}
