import type { EntityManager } from "typeorm";
import { ConsentPurpose, type ConsentStatus } from "../privacy/consent.entity";
import { isAllowed } from "../privacy/consent-rules";
import { followMerges } from "../profiles/merge-chains";
import type { LockedProfile } from "./trait-updater";

/** A locked profile: its stored trait state and timezone (for folding) and the analytics consent decision. */
export interface ProfileLock extends LockedProfile {
  analytics: boolean;
}

/**
 * Locks profiles in id order (no deadlocks between batches), follows merges committed meanwhile
 * and reads what folding needs — the stored trait state and timezone — in the same round trip.
 * FOR NO KEY UPDATE is enough (computed traits are not a key). The analytics consent decision
 * comes along.
 */
export async function lockProfiles(m: EntityManager, ws: string, ids: string[]): Promise<{ live: Map<string, ProfileLock>; redirect: Map<string, string> }> {
  return followMerges(ids, async (next) => {
    const rows: (ProfileLock & { merged_into_id: string | null; status: ConsentStatus | null; occurred_at: Date | null })[] = await m.query(
      // One primary-key probe per id, whatever the statistics say: the locking sub-select cannot be
      // flattened into a join, so the planner cannot hash every workspace row instead (with missing
      // statistics it did, spilling 20,000 rows to disk per batch). Ids go in sorted, and rows are
      // locked in that order (no deadlocks between batches).
      `SELECT p.* FROM unnest($2::uuid[]) WITH ORDINALITY AS k(id, n)
       CROSS JOIN LATERAL (
         SELECT p.id, p.trait_state AS state, p.traits->>'timezone' AS tz, p.merged_into_id, c.status, c.occurred_at
         FROM profiles p LEFT JOIN consents c ON c.workspace_id = p.workspace_id AND c.profile_id = p.id AND c.purpose = 'analytics'
         WHERE p.id = k.id AND p.workspace_id = $1 FOR NO KEY UPDATE OF p) p
       ORDER BY k.n`,
      [ws, [...next].sort()],
    );
    for (const r of rows) r.analytics = isAllowed(ConsentPurpose.ANALYTICS, r.status ? { status: r.status, occurredAt: r.occurred_at! } : null);
    return rows;
  });
}
