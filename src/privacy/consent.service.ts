import type { DataSource, EntityManager } from "typeorm";
import { NotFoundError, UserInputError } from "../common/errors";
import type { ProfileChangePublisher } from "../profiles/profile-changes";
import { Consent, ConsentPurpose, ConsentRecord, ConsentStatus } from "./consent.entity";
import { isAllowed, mostRestrictive } from "./consent-rules";

/** One consent decision to record. */
export interface ConsentChange {
  purpose: ConsentPurpose;
  status: ConsentStatus;
  source?: string | null;
  legalBasis?: string | null;
  occurredAt?: Date | null;
}

const PURPOSES = new Set<string>(Object.values(ConsentPurpose));

/** Consent per purpose with full history; `allowed` is the one question every module asks. */
export class ConsentService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly changes: ProfileChangePublisher,
    private readonly now: () => Date,
  ) {}

  /** May we use these profiles' data for `purpose`? Merged ids answer for their survivor; one query. */
  async allowed(workspaceId: string, profileIds: readonly string[], purpose: `${ConsentPurpose}`, manager: EntityManager = this.dataSource.manager): Promise<Map<string, boolean>> {
    if (!PURPOSES.has(purpose)) throw UserInputError.single("purpose", `must be one of ${[...PURPOSES].join(", ")}`);
    const ids = [...new Set(profileIds)];
    const rows: { id: string; status: ConsentStatus | null; occurred_at: Date | null }[] = ids.length
      ? await manager.query(
          `SELECT a.id, c.status, c.occurred_at FROM unnest($2::uuid[]) AS a(id)
           LEFT JOIN profiles p ON p.workspace_id = $1 AND p.id = a.id
           LEFT JOIN consents c ON c.workspace_id = $1 AND c.profile_id = COALESCE(p.merged_into_id, a.id) AND c.purpose = $3`,
          [workspaceId, ids, purpose],
        )
      : [];
    return new Map(rows.map((r) => [r.id, isAllowed(purpose, r.status ? { status: r.status, occurredAt: r.occurred_at! } : null)]));
  }

  /** Records decisions for one profile (current state + history) and announces the change. */
  async set(workspaceId: string, profileId: string, decisions: ConsentChange[]): Promise<Consent[]> {
    const live: { id: string }[] = await this.dataSource.query(`SELECT COALESCE(merged_into_id, id) AS id FROM profiles WHERE workspace_id = $1 AND id = $2`, [workspaceId, profileId]);
    if (!live[0]) throw new NotFoundError("Profile", profileId);
    const id = live[0].id;
    await this.dataSource.transaction(async (m) => {
      for (const d of decisions) await this.record(m, workspaceId, id, { ...d, occurredAt: d.occurredAt ?? this.now() });
    });
    await this.changes.publish([{ workspaceId, profileId: id, changed: ["consent"] }]);
    return this.current(workspaceId, id);
  }

  private async record(m: EntityManager, ws: string, profileId: string, d: ConsentChange & { occurredAt: Date }): Promise<void> {
    const row = { workspaceId: ws, profileId, purpose: d.purpose, status: d.status, source: d.source ?? null, legalBasis: d.legalBasis ?? null, occurredAt: d.occurredAt };
    await m.getRepository(ConsentRecord).insert(row);
    await m.getRepository(Consent).upsert({ ...row, recordedAt: new Date() }, ["workspaceId", "profileId", "purpose"]);
  }

  async current(workspaceId: string, profileId: string): Promise<Consent[]> {
    return this.dataSource.getRepository(Consent).find({ where: { workspaceId, profileId }, order: { purpose: "ASC" } });
  }

  /** Every recorded decision, newest first. */
  async history(workspaceId: string, profileId: string, purpose?: ConsentPurpose | null): Promise<ConsentRecord[]> {
    return this.dataSource.getRepository(ConsentRecord).find({
      where: { workspaceId, profileId, ...(purpose ? { purpose } : {}) },
      order: { recordedAt: "DESC", id: "DESC" },
    });
  }

  /** Merge step: the survivor keeps the most restrictive decision per purpose and every loser's history. */
  async merge(m: EntityManager, ws: string, losers: string[], survivor: string): Promise<void> {
    const all = await m.getRepository(Consent).createQueryBuilder("c").where("c.workspace_id = :ws AND c.profile_id = ANY(:ids::uuid[])", { ws, ids: [...losers, survivor] }).getMany();
    await m.query(`UPDATE consent_records SET profile_id = $2 WHERE workspace_id = $1 AND profile_id = ANY($3::uuid[])`, [ws, survivor, losers]);
    await m.query(`DELETE FROM consents WHERE workspace_id = $1 AND profile_id = ANY($2::uuid[])`, [ws, losers]);
    for (const purpose of new Set(all.map((c) => c.purpose))) {
      const mine = all.find((c) => c.profileId === survivor && c.purpose === purpose);
      const winner = mostRestrictive(all.filter((c) => c.purpose === purpose))!;
      if (mine && winner.status === mine.status && winner.occurredAt.getTime() === mine.occurredAt.getTime()) continue;
      await this.record(m, ws, survivor, { purpose, status: winner.status, source: "merge", legalBasis: winner.legalBasis, occurredAt: winner.occurredAt });
    }
  }
}
