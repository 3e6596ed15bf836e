import type { DataSource } from "typeorm";
import type { HistoryEvent } from "./filters";

/** Most recent item events per profile that serving reads (and how far back). */
export const HISTORY_LIMIT = 300;
export const HISTORY_DAYS = 365;

/** Existing profiles (merged ones answer through their survivor) and their recent item events, in two queries. */
export async function loadHistories(dataSource: DataSource, workspaceId: string, profileIds: string[], now: number): Promise<{ exists: Set<string>; histories: Map<string, HistoryEvent[]> }> {
  const profiles: { id: string; survivor: string }[] = await dataSource.query(
    `SELECT id::text AS id, COALESCE(merged_into_id, id)::text AS survivor FROM profiles WHERE workspace_id = $1 AND id = ANY($2::uuid[])`,
    [workspaceId, profileIds],
  );
  const survivorOf = new Map(profiles.map((p) => [p.id, p.survivor]));
  const survivors = [...new Set(profiles.map((p) => p.survivor))];
  const rows: { p: string; i: string; t: string; at: number }[] = survivors.length
    ? await dataSource.query(
        `SELECT x.profile_id::text AS p, item_id AS i, x.type AS t, (EXTRACT(EPOCH FROM x.occurred_at) * 1000)::float8 AS at
           FROM (SELECT e.profile_id, e.item_ids, e.type, e.occurred_at,
                        row_number() OVER (PARTITION BY e.profile_id ORDER BY e.occurred_at DESC) AS rn
                   FROM events e
                  WHERE e.workspace_id = $1 AND e.profile_id = ANY($2::uuid[]) AND cardinality(e.item_ids) > 0 AND e.occurred_at > $3) x
          CROSS JOIN LATERAL unnest(x.item_ids) AS item_id
          WHERE x.rn <= $4`,
        [workspaceId, survivors, new Date(now - HISTORY_DAYS * 86_400_000), HISTORY_LIMIT],
      )
    : [];
  const bySurvivor = new Map<string, HistoryEvent[]>();
  for (const r of rows) {
    const list = bySurvivor.get(r.p) ?? [];
    list.push({ itemId: r.i, type: r.t, at: Number(r.at) });
    bySurvivor.set(r.p, list);
  }
  const histories = new Map<string, HistoryEvent[]>();
  for (const [id, survivor] of survivorOf) histories.set(id, bySurvivor.get(survivor) ?? []);
  return { exists: new Set(survivorOf.keys()), histories };
}
