import type { TemplateItem } from "../liquid-engine";
import { loadItems, slot, type AdapterDeps, type SourceAdapter } from "./source-adapter";

const RECENT = 8;

/** `recently_viewed`: each profile's latest distinct product views (one windowed query for the batch). */
export function recentlyViewedAdapter({ dataSource }: AdapterDeps): SourceAdapter {
  return {
    source: "recentlyViewed",
    provider: "events",
    available: () => true,
    async load(request, into) {
      const rows: { profile_id: string; item_id: string }[] = await dataSource.query(
        `SELECT profile_id, item_id FROM (
           SELECT profile_id, item_id, row_number() OVER (PARTITION BY profile_id ORDER BY last DESC) AS rank FROM (
             SELECT e.profile_id, i.item_id, max(e.occurred_at) AS last FROM events e CROSS JOIN LATERAL unnest(e.item_ids) AS i(item_id)
             WHERE e.workspace_id = $1 AND e.profile_id = ANY($2) AND e.type = 'product_view' GROUP BY 1, 2) v) r
         WHERE rank <= $3 ORDER BY profile_id, rank`,
        [request.workspaceId, request.profileIds, RECENT],
      );
      const items = await loadItems(dataSource, request.workspaceId, rows.map((r) => r.item_id));
      for (const id of request.profileIds) slot(into, id).recentlyViewed = [];
      for (const row of rows) {
        const item = items.get(row.item_id);
        if (item) slot(into, row.profile_id).recentlyViewed!.push(item);
      }
    },
  };
}

/** `cart`: items added (and not removed) since each profile's last purchase, in one query. */
export function cartAdapter({ dataSource }: AdapterDeps): SourceAdapter {
  return {
    source: "cart",
    provider: "events",
    available: () => true,
    async load(request, into) {
      const rows: { profile_id: string; item_id: string }[] = await dataSource.query(
        `WITH last_purchase AS (
           SELECT profile_id, max(occurred_at) AS at FROM events WHERE workspace_id = $1 AND profile_id = ANY($2) AND type = 'purchase' GROUP BY profile_id),
         moves AS (
           SELECT e.profile_id, i.item_id, e.type, e.occurred_at, row_number() OVER (PARTITION BY e.profile_id, i.item_id ORDER BY e.occurred_at DESC) AS rank
           FROM events e CROSS JOIN LATERAL unnest(e.item_ids) AS i(item_id) LEFT JOIN last_purchase p ON p.profile_id = e.profile_id
           WHERE e.workspace_id = $1 AND e.profile_id = ANY($2) AND e.type IN ('add_to_cart', 'remove_from_cart') AND (p.at IS NULL OR e.occurred_at > p.at))
         SELECT profile_id, item_id FROM moves WHERE rank = 1 AND type = 'add_to_cart' ORDER BY profile_id, occurred_at DESC`,
        [request.workspaceId, request.profileIds],
      );
      const items = await loadItems(dataSource, request.workspaceId, rows.map((r) => r.item_id));
      for (const id of request.profileIds) slot(into, id).cart = { items: [], total: 0 };
      for (const row of rows) {
        const item: TemplateItem | undefined = items.get(row.item_id);
        if (!item) continue;
        const cart = slot(into, row.profile_id).cart!;
        cart.items.push(item);
        cart.total += item.price ?? 0;
      }
    },
  };
}
