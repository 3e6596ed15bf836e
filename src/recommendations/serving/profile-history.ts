import type { DataSource } from "typeorm";
import type { HistoryEvent } from "./filters";

/** Most recent item events per profile that serving reads (and how far back). */
export const HISTORY_LIMIT = 300;
export const HISTORY_DAYS = 365;

/**
 * Existing profiles (merged ones answer through their survivor) and their recent item events, in
 * one query: each profile's newest events come from the (workspace, profile, occurred_at) index.
 */
export async function loadHistories(dataSource: DataSource, workspaceId: string, profileIds: string[], now: number): Promise<{ exists: Set<string>; histories: Map<string, HistoryEvent[]>; survivorOf: Map<string, string> }> {
  const rows: { id: string; survivor: string; i: string | null; t: string | null; at: number | null }[] = profileIds.length
    ? await dataSource.query(
        `SELECT p.id::text AS id, p.survivor::text AS survivor, h.i, h.t, h.at
           FROM (SELECT id, COALESCE(merged_into_id, id) AS survivor FROM profiles WHERE workspace_id = $1 AND id = ANY($2::uuid[])) p
           LEFT JOIN LATERAL (
                 SELECT item_id AS i, x.type AS t, (EXTRACT(EPOCH FROM x.occurred_at) * 1000)::float8 AS at
                   FROM (SELECT e.item_ids, e.type, e.occurred_at FROM events e
                          WHERE e.workspace_id = $1 AND e.profile_id = p.survivor AND cardinality(e.item_ids) > 0 AND e.occurred_at > $3
                          ORDER BY e.occurred_at DESC LIMIT $4) x
                  CROSS JOIN LATERAL unnest(x.item_ids) AS item_id) h ON true`,
        [workspaceId, profileIds, new Date(now - HISTORY_DAYS * 86_400_000), HISTORY_LIMIT],
      )
    : [];
  const survivorOf = new Map<string, string>();
  const histories = new Map<string, HistoryEvent[]>();
  for (const r of rows) {
    let list = histories.get(r.id);
    if (!list) {
      survivorOf.set(r.id, r.survivor);
      histories.set(r.id, (list = []));
    }
    if (r.i !== null) list.push({ itemId: r.i, type: r.t!, at: Number(r.at) });
  }
  return { exists: new Set(survivorOf.keys()), histories, survivorOf };
}
