import type { DataSource } from "typeorm";
import type { InteractionRow } from "../algorithms/interactions";
import type { ContentItem } from "../algorithms/tfidf";

/** Interactions of a workspace in [from, to]: one row per (event, item id), merged profiles folded into their survivor. */
export async function loadInteractionRows(dataSource: DataSource, workspaceId: string, from: Date, to: Date): Promise<InteractionRow[]> {
  const rows: { u: string; i: string; t: string; at: string }[] = await dataSource.query(
    `SELECT COALESCE(p.merged_into_id, e.profile_id)::text AS u, item_id AS i, e.type AS t, (EXTRACT(EPOCH FROM e.occurred_at) * 1000)::float8 AS at
       FROM events e
       CROSS JOIN LATERAL unnest(e.item_ids) AS item_id
       LEFT JOIN profiles p ON p.workspace_id = e.workspace_id AND p.id = e.profile_id
      WHERE e.workspace_id = $1 AND e.occurred_at >= $2 AND e.occurred_at <= $3 AND cardinality(e.item_ids) > 0`,
    [workspaceId, from, to],
  );
  return rows.map((r) => ({ userId: r.u, itemId: r.i, type: r.t, at: Number(r.at) }));
}

/** The catalog as the content model reads it. */
export async function loadContentItems(dataSource: DataSource, workspaceId: string): Promise<ContentItem[]> {
  const rows: { id: string; title: string; description: string | null; category: string | null; category_path: string[]; brand: string | null; tags: string[] }[] = await dataSource.query(
    `SELECT id, title, description, category, category_path, brand, tags FROM items WHERE workspace_id = $1 ORDER BY id`,
    [workspaceId],
  );
  return rows.map((r) => ({ id: r.id, title: r.title, description: r.description, category: r.category, categoryPath: r.category_path, brand: r.brand, tags: r.tags }));
}
