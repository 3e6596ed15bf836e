import type { DataSource } from "typeorm";
import { Segment } from "./segment.entity";

/** A segment as rendering and other modules see a profile's membership. */
export interface SegmentRefView {
  id: string;
  name: string;
  key: string;
}

/** Read access to memberships for other modules (service key SEGMENTS). */
export class SegmentsService {
  constructor(private readonly dataSource: DataSource) {}

  /** Current active segments of each profile, in one query. */
  async membershipsFor(workspaceId: string, profileIds: string[]): Promise<Map<string, SegmentRefView[]>> {
    const result = new Map<string, SegmentRefView[]>(profileIds.map((id) => [id, []]));
    if (!profileIds.length) return result;
    const rows = (await this.dataSource.query(
      `SELECT m.profile_id, s.id, s.name, s.key FROM segment_memberships m
         JOIN segments s ON s.workspace_id = m.workspace_id AND s.id = m.segment_id AND s.status = 'ACTIVE'
        WHERE m.workspace_id = $1 AND m.profile_id = ANY($2::uuid[]) AND m.exited_at IS NULL
        ORDER BY s.name`,
      [workspaceId, profileIds],
    )) as { profile_id: string; id: string; name: string; key: string }[];
    for (const r of rows) result.get(r.profile_id)?.push({ id: r.id, name: r.name, key: r.key });
    return result;
  }

  /** Current member ids of a segment in profile-id order; `after` is the last id of the previous page. */
  async memberIds(workspaceId: string, segmentId: string, first: number, after: string | null = null): Promise<string[]> {
    return (await this.memberPage(workspaceId, segmentId, first, after)).map((m) => m.profileId);
  }

  async memberPage(workspaceId: string, segmentId: string, limit: number, after: string | null): Promise<{ profileId: string; enteredAt: Date }[]> {
    const rows = (await this.dataSource.query(
      `SELECT profile_id, entered_at FROM segment_memberships
        WHERE workspace_id = $1 AND segment_id = $2 AND exited_at IS NULL AND ($3::uuid IS NULL OR profile_id > $3::uuid)
        ORDER BY profile_id LIMIT $4`,
      [workspaceId, segmentId, after, limit],
    )) as { profile_id: string; entered_at: Date }[];
    return rows.map((r) => ({ profileId: r.profile_id, enteredAt: r.entered_at }));
  }

  /** Full Segment rows per profile (for the Profile.segments loader). */
  async segmentsOf(workspaceId: string, profileIds: string[]): Promise<Map<string, Segment[]>> {
    const rows = (await this.dataSource
      .getRepository(Segment)
      .createQueryBuilder("s")
      .innerJoin("segment_memberships", "m", "m.workspace_id = s.workspace_id AND m.segment_id = s.id AND m.exited_at IS NULL")
      .addSelect("m.profile_id", "m_profile_id")
      .where("s.workspace_id = :workspaceId AND s.status = 'ACTIVE' AND m.profile_id = ANY(:ids)", { workspaceId, ids: profileIds })
      .orderBy("s.name")
      .getRawAndEntities()) as { entities: Segment[]; raw: { m_profile_id: string; s_id: string }[] };
    const byId = new Map(rows.entities.map((s) => [s.id, s]));
    const result = new Map<string, Segment[]>();
    for (const raw of rows.raw) {
      const segment = byId.get(raw.s_id);
      if (segment) result.set(raw.m_profile_id, [...(result.get(raw.m_profile_id) ?? []), segment]);
    }
    return result;
  }
}
