import type { EntityManager } from "typeorm";
import type { Kernel } from "../common/kernel";
import type { ProfileChange } from "../profiles/profile-hooks";
import { isAffected } from "./dependencies";
import { membershipStatement } from "./membership-sql";
import type { Segment } from "./segment.entity";
import type { SegmentDefinitions } from "./segment-definitions";
import type { TraitCatalogService } from "./trait-catalog";

const PARALLEL = 3;

/** One profile entering or leaving one segment. */
export interface MembershipChange {
  segmentId: string;
  profileId: string;
  entered: boolean;
}

/** Keeps memberships current: full set-based recomputes and per-profile incremental passes. */
export class MembershipService {
  constructor(
    private readonly kernel: Kernel,
    private readonly catalog: TraitCatalogService,
    private readonly definitions: SegmentDefinitions,
  ) {}

  /** Rebuilds one rule segment with one set-based statement; returns what changed and the new size. */
  async recompute(workspaceId: string, segmentId: string, now = this.kernel.clock.now()): Promise<{ entered: number; exited: number; size: number }> {
    const result = await this.kernel.dataSource.transaction(async (manager) => {
      const { rules, infos } = await this.definitions.get(manager, workspaceId);
      const segment = rules.find((s) => s.id === segmentId);
      if (!segment) return { entered: 0, exited: 0, size: 0 };
      // Large hashed semi/anti-joins stay in memory instead of falling back to per-row subplans.
      await manager.query("SET LOCAL work_mem = '256MB'");
      const catalog = await this.catalog.get(manager, workspaceId);
      const statement = membershipStatement({ workspaceId, segmentId, condition: segment.condition!, catalog, segments: infos, now });
      const [counts] = (await manager.query(statement.sql, statement.params)) as { entered: number; exited: number }[];
      const size = sizeFrom(
        await manager.query(
          `UPDATE segments s SET member_count = (SELECT count(*) FROM segment_memberships m WHERE m.workspace_id = $1 AND m.segment_id = $2 AND m.exited_at IS NULL)
            WHERE s.workspace_id = $1 AND s.id = $2 RETURNING member_count`,
          [workspaceId, segmentId],
        ),
      );
      await manager.query(`INSERT INTO segment_size_history (workspace_id, segment_id, at, size) VALUES ($1, $2, $3, $4)`, [workspaceId, segmentId, now, size]);
      return { ...counts, size };
    });
    this.kernel.bus.publish("segment.sizeChanged", { workspaceId, segmentId, size: result.size, at: now.toISOString() });
    return result;
  }

  /**
   * Re-evaluates the given segments for a few profiles (one statement per segment), updates sizes
   * and publishes each membership change.
   */
  async evaluate(manager: EntityManager, workspaceId: string, segments: Segment[], profileIds: string[], eventId: string | null = null, now = this.kernel.clock.now()): Promise<MembershipChange[]> {
    if (!segments.length || !profileIds.length) return [];
    const { infos } = await this.definitions.get(manager, workspaceId);
    const catalog = await this.catalog.get(manager, workspaceId);
    const changes: MembershipChange[] = [];
    for (const segment of segments) {
      const statement = membershipStatement({ workspaceId, segmentId: segment.id, condition: segment.condition!, catalog, segments: infos, now, profileIds, eventId });
      const rows = (await manager.query(statement.sql, statement.params)) as { entered: boolean; profile_id: string; size: number }[];
      if (!rows.length) continue;
      const size = rows[0].size;
      const at = now.toISOString();
      for (const row of rows) {
        changes.push({ segmentId: segment.id, profileId: row.profile_id, entered: row.entered });
        this.kernel.bus.publish("segment.membershipChanged", { workspaceId, segmentId: segment.id, profileId: row.profile_id, entered: row.entered, at, eventId });
      }
      this.kernel.bus.publish("segment.sizeChanged", { workspaceId, segmentId: segment.id, size, at });
    }
    return changes;
  }

  /** The PROFILE_HOOKS handler: merges first, then only the segments each change can affect. */
  async onProfileChanges(changes: ProfileChange[], manager: EntityManager): Promise<MembershipChange[]> {
    const all: MembershipChange[] = [];
    for (const change of changes) {
      if (change.changed.includes("merge") && change.mergedProfileId) await this.moveMemberships(manager, change.workspaceId, change.mergedProfileId, change.profileId);
    }
    // Group (workspace, segment, event) → profiles so a batch runs one statement per segment.
    const groups = new Map<string, { workspaceId: string; segment: Segment; eventId: string | null; profiles: Set<string> }>();
    for (const change of changes) {
      const { rules } = await this.definitions.get(manager, change.workspaceId);
      for (const segment of rules) {
        if (!segment.dependencies || !isAffected(segment.dependencies, change)) continue;
        const key = `${change.workspaceId}/${segment.id}/${change.eventId ?? ""}`;
        const group = groups.get(key) ?? { workspaceId: change.workspaceId, segment, eventId: change.eventId ?? null, profiles: new Set<string>() };
        group.profiles.add(change.profileId);
        groups.set(key, group);
      }
    }
    // Segments are independent statements: run a few at once to shorten the request.
    const pending = [...groups.values()];
    for (let i = 0; i < pending.length; i += PARALLEL) {
      const batch = pending.slice(i, i + PARALLEL).map(async (g) => {
        try {
          return await this.evaluate(manager, g.workspaceId, [g.segment], [...g.profiles], g.eventId);
        } catch (error) {
          // One failing segment must not fail the ingestion request or the other segments; the window job and recompute repair it.
          this.kernel.logger.error({ err: error, segmentId: g.segment.id, workspaceId: g.workspaceId }, "segment evaluation failed");
          return [];
        }
      });
      for (const changes of await Promise.all(batch)) all.push(...changes);
    }
    return all;
  }

  /**
   * A merged profile's open memberships move to the survivor (keeping the earlier entry) where the
   * survivor has none; the rest close. The survivor is then re-evaluated like any other change.
   */
  async moveMemberships(manager: EntityManager, workspaceId: string, mergedId: string, survivorId: string, now = this.kernel.clock.now()): Promise<void> {
    await manager.query(
      `WITH moved AS (
         UPDATE segment_memberships m SET profile_id = $3
          WHERE m.workspace_id = $1 AND m.profile_id = $2 AND m.exited_at IS NULL
            AND NOT EXISTS (SELECT 1 FROM segment_memberships s WHERE s.workspace_id = $1 AND s.segment_id = m.segment_id AND s.profile_id = $3 AND s.exited_at IS NULL)
          RETURNING m.segment_id)
       UPDATE segment_memberships m SET exited_at = $4
        WHERE m.workspace_id = $1 AND m.profile_id = $2 AND m.exited_at IS NULL AND m.segment_id NOT IN (SELECT segment_id FROM moved)`,
      [workspaceId, mergedId, survivorId, now],
    );
    // Sizes of segments where both were members shrank by one.
    await manager.query(
      `UPDATE segments s SET member_count = (SELECT count(*) FROM segment_memberships m WHERE m.workspace_id = $1 AND m.segment_id = s.id AND m.exited_at IS NULL)
        WHERE s.workspace_id = $1 AND s.id IN (SELECT segment_id FROM segment_memberships WHERE workspace_id = $1 AND profile_id = $2 AND exited_at = $3)`,
      [workspaceId, mergedId, now],
    );
  }

  /**
   * Time windows expire on their own: re-evaluates, for each windowed rule segment, the profiles
   * with an event of a windowed type that left its window since the last check.
   */
  async expireWindows(now = this.kernel.clock.now(), workspaceId?: string): Promise<number> {
    const manager = this.kernel.dataSource.manager;
    const segments = (await manager.query(
      `SELECT id, workspace_id FROM segments WHERE kind = 'RULE' AND status = 'ACTIVE' AND jsonb_array_length(COALESCE(dependencies -> 'windows', '[]')) > 0 ${workspaceId ? "AND workspace_id = $1" : ""}`,
      workspaceId ? [workspaceId] : [],
    )) as { id: string; workspace_id: string }[];
    let changed = 0;
    for (const row of segments) {
      const { rules } = await this.definitions.get(manager, row.workspace_id);
      const segment = rules.find((s) => s.id === row.id);
      if (!segment?.dependencies) continue;
      const since = segment.windowsCheckedAt ?? segment.createdAt;
      const windows = segment.dependencies.windows;
      const profiles = (await manager.query(
        `SELECT DISTINCT e.profile_id FROM events e
           JOIN unnest($2::text[], $3::int[]) AS w(type, seconds) ON e.type = w.type
          WHERE e.workspace_id = $1
            AND e.occurred_at > $4::timestamptz - w.seconds * interval '1 second'
            AND e.occurred_at <= $5::timestamptz - w.seconds * interval '1 second'`,
        [row.workspace_id, windows.map((w) => w.type), windows.map((w) => w.seconds), since, now],
      )) as { profile_id: string }[];
      const ids = profiles.map((p) => p.profile_id);
      for (let i = 0; i < ids.length; i += 5000) changed += (await this.evaluate(manager, row.workspace_id, [segment], ids.slice(i, i + 5000), null, now)).length;
      await manager.query(`UPDATE segments SET windows_checked_at = $2 WHERE id = $1`, [row.id, now]);
      segment.windowsCheckedAt = now;
    }
    return changed;
  }

  /** Records a size point for every segment whose size moved since its last point. */
  async snapshotSizes(now = this.kernel.clock.now()): Promise<void> {
    await this.kernel.dataSource.query(
      `INSERT INTO segment_size_history (workspace_id, segment_id, at, size)
       SELECT s.workspace_id, s.id, $1, s.member_count FROM segments s
        WHERE s.status = 'ACTIVE'
          AND s.member_count IS DISTINCT FROM (SELECT h.size FROM segment_size_history h WHERE h.workspace_id = s.workspace_id AND h.segment_id = s.id ORDER BY h.at DESC LIMIT 1)`,
      [now],
    );
  }
}

function sizeFrom(result: unknown[]): number {
  // TypeORM returns [rows, affected] for UPDATE … RETURNING.
  const rows = (Array.isArray(result[0]) ? result[0] : result) as { member_count: number }[];
  return rows[0]?.member_count ?? 0;
}
