import type { EntityManager } from "typeorm";

/**
 * RFM scores 1–5 by workspace quintiles (ntile over profiles with at least one purchase):
 * recency by last purchase (most recent = 5), frequency by purchaseCount, monetary by revenue.
 * One set-based statement; run by the scheduled refresh job.
 */
export async function updateRfm(manager: EntityManager, workspaceId: string | null): Promise<number> {
  const result: [unknown[], number] = await manager.query(
    `WITH buyers AS (
       SELECT id,
              ntile(5) OVER (PARTITION BY workspace_id ORDER BY (computed->>'lastPurchaseAt')::timestamptz) AS r,
              ntile(5) OVER (PARTITION BY workspace_id ORDER BY (computed->>'purchaseCount')::numeric) AS f,
              ntile(5) OVER (PARTITION BY workspace_id ORDER BY (computed->>'revenue')::numeric) AS m
       FROM profiles
       WHERE merged_into_id IS NULL AND ($1::uuid IS NULL OR workspace_id = $1)
         AND (computed->>'purchaseCount')::numeric > 0 AND computed ? 'lastPurchaseAt')
     UPDATE profiles p SET computed = p.computed || jsonb_build_object('rfmRecency', b.r, 'rfmFrequency', b.f, 'rfmMonetary', b.m, 'rfmSegment', 'R' || b.r || 'F' || b.f || 'M' || b.m)
     FROM buyers b WHERE p.id = b.id`,
    [workspaceId],
  );
  return result[1];
}
