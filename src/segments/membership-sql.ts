import { compileCondition } from "./compile-condition";
import type { Condition, SegmentInfo, TraitCatalog } from "./condition.types";
import { SqlParams } from "./sql-params";

/** One statement and its bind values. */
export interface Statement {
  sql: string;
  params: unknown[];
}

export interface MembershipTarget {
  workspaceId: string;
  segmentId: string;
  condition: Condition;
  catalog: TraitCatalog;
  segments: Map<string, SegmentInfo>;
  now: Date;
  /** Evaluate only these profiles (incremental path); all profiles when absent. */
  profileIds?: string[];
  /** The event that caused the change, recorded on the membership rows. */
  eventId?: string | null;
}

/** SELECT of matching profile ids (`$1` workspace, `$2` now): used by previews and membership writes. */
export function matchStatement(condition: Condition, target: Pick<MembershipTarget, "workspaceId" | "now" | "catalog" | "segments" | "profileIds">): { where: string; params: SqlParams; profilesParam?: string } {
  const params = new SqlParams([target.workspaceId, target.now]);
  const profilesParam = target.profileIds ? params.add(target.profileIds, "uuid[]") : undefined;
  const expr = compileCondition(condition, { params, catalog: target.catalog, segments: target.segments, profilesParam });
  // `$2` is typed here even when no window uses it (PostgreSQL must know every parameter's type).
  const where = `p.workspace_id = $1::uuid AND $2::timestamptz IS NOT NULL AND p.merged_into_id IS NULL${profilesParam ? ` AND p.id = ANY(${profilesParam})` : ""} AND ${expr}`;
  return { where, params, profilesParam };
}

/**
 * The whole membership update of one segment as ONE statement: insert profiles that now match,
 * stamp `exited_at` on members that no longer match. Returns per-profile changes for the
 * incremental path and only counts for a full recompute.
 */
export function membershipStatement(target: MembershipTarget): Statement {
  const { where, params, profilesParam } = matchStatement(target.condition, target);
  const segment = params.add(target.segmentId, "uuid");
  const event = params.add(target.eventId ?? null, "uuid");
  return { sql: writeMemberships(`SELECT p.id FROM profiles p WHERE ${where}`, segment, event, profilesParam, !target.profileIds), params: params.values };
}

/** Wraps any SELECT of profile ids in the membership writes (also used by the benchmark's hand-written SQL). */
export function writeMemberships(select: string, segment: string, event: string, profilesParam: string | undefined, countsOnly: boolean): string {
  const sql = `WITH matched AS MATERIALIZED (${select}),
entered AS (
  INSERT INTO segment_memberships (workspace_id, segment_id, profile_id, entered_at, event_id)
  SELECT $1, ${segment}, m.id, $2, ${event} FROM matched m
  WHERE NOT EXISTS (SELECT 1 FROM segment_memberships c WHERE c.workspace_id = $1 AND c.segment_id = ${segment} AND c.profile_id = m.id AND c.exited_at IS NULL)
  ON CONFLICT (workspace_id, segment_id, profile_id) WHERE exited_at IS NULL DO NOTHING
  RETURNING profile_id
),
exited AS (
  UPDATE segment_memberships sm SET exited_at = $2, exit_event_id = ${event}
  WHERE sm.workspace_id = $1 AND sm.segment_id = ${segment} AND sm.exited_at IS NULL${profilesParam ? ` AND sm.profile_id = ANY(${profilesParam})` : ""}
    AND NOT EXISTS (SELECT 1 FROM matched m WHERE m.id = sm.profile_id)
  RETURNING sm.profile_id
)`;
  if (countsOnly) return `${sql}\nSELECT (SELECT count(*) FROM entered)::int AS entered, (SELECT count(*) FROM exited)::int AS exited`;
  // The incremental path also moves the stored size in the same round trip, and only when something changed.
  return `${sql},
sized AS (
  UPDATE segments s SET member_count = s.member_count + (SELECT count(*) FROM entered)::int - (SELECT count(*) FROM exited)::int
  WHERE s.workspace_id = $1 AND s.id = ${segment} AND EXISTS (SELECT 1 FROM entered UNION ALL SELECT 1 FROM exited)
  RETURNING s.member_count
)
SELECT true AS entered, profile_id, (SELECT member_count FROM sized) AS size FROM entered
UNION ALL SELECT false AS entered, profile_id, (SELECT member_count FROM sized) AS size FROM exited`;
}
