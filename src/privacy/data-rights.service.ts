import type { DataSource, EntityManager } from "typeorm";
import type { DomainBus } from "../common/bus";
import { NotFoundError } from "../common/errors";
import type { AuditWriter } from "../workspaces/audit-writer";
import { normalizeIdentifier } from "../profiles/profile.service";
import type { PrivacyCrypto } from "./crypto/privacy-crypto";
import type { DataSubject, PrivacyHooks } from "./privacy-hooks";

/** Who asked for an erasure (recorded in the audit trail). */
export interface Requester {
  apiKeyId: string | null;
  role: string | null;
  ip: string;
  requestId: string;
}

/** The outcome of one erasure. */
export interface ErasureResult {
  profileId: string;
  profileIds: string[];
  identifiersHashed: number;
  rowsRemoved: Record<string, number>;
}

export const EXPORT_FORMAT = "kindred.profile-export/v1";

declare module "../common/bus" {
  interface DomainEvents {
    /** A person was erased: model modules drop these profile ids from served factors and the next training. */
    "privacy.profileErased": { profileIds: string[] };
  }
}

/**
 * Data-subject rights: export everything held about a person as one document, erase it all
 * (keeping only keyed hashes of the identifiers), and suppress re-creation by later events.
 */
export class DataRightsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly hooks: PrivacyHooks,
    private readonly crypto: PrivacyCrypto,
    private readonly audit: AuditWriter,
    private readonly now: () => Date,
    private readonly bus?: DomainBus,
  ) {}

  /** The live profile and every profile merged into it; null when none exists. */
  async findSubject(workspaceId: string, profileId: string, m: EntityManager = this.dataSource.manager): Promise<DataSubject | null> {
    const rows: { id: string; live: string }[] = await m.query(
      `WITH l AS (SELECT COALESCE(merged_into_id, id) AS live FROM profiles WHERE workspace_id = $1 AND id = $2)
       SELECT p.id, l.live FROM l JOIN profiles p ON p.workspace_id = $1 AND (p.id = l.live OR p.merged_into_id = l.live)
       ORDER BY (p.id = l.live) DESC, p.created_at`,
      [workspaceId, profileId],
    );
    return rows.length ? { workspaceId, profileIds: rows.map((r) => r.id) } : null;
  }

  /** One JSON document with everything every registered hook holds about the person. */
  async export(workspaceId: string, profileId: string): Promise<Record<string, unknown>> {
    // One snapshot: the sections agree with each other even while ingestion continues.
    return this.dataSource.transaction("REPEATABLE READ", async (m) => {
      const subject = await this.findSubject(workspaceId, profileId, m);
      if (!subject) throw new NotFoundError("Profile", profileId);
      return {
        format: EXPORT_FORMAT,
        exportedAt: this.now().toISOString(),
        workspaceId,
        profileId: subject.profileIds[0],
        profileIds: subject.profileIds,
        coverage: this.hooks.coverage(),
        data: await this.hooks.exportAll(subject, m),
      };
    });
  }

  /** Erases a person in one transaction and records the proof in the audit trail. */
  async erase(workspaceId: string, profileId: string, requester: Requester, reason = "eraseProfile"): Promise<ErasureResult> {
    const result = await this.dataSource.transaction(async (m) => {
      const subject = await this.findSubject(workspaceId, profileId, m);
      if (!subject) throw new NotFoundError("Profile", profileId);
      await m.query(`SELECT id FROM profiles WHERE workspace_id = $1 AND id = ANY($2::uuid[]) ORDER BY id FOR UPDATE`, [workspaceId, subject.profileIds]);
      const identifiers: { type: string; value: string }[] = await m.query(`SELECT type, value FROM profile_identifiers WHERE workspace_id = $1 AND profile_id = ANY($2::uuid[])`, [workspaceId, subject.profileIds]);
      const tokens = [...new Set(identifiers.map((i) => this.crypto.erasure.token(workspaceId, i.type, i.value)))];
      if (tokens.length) {
        await m.query(`INSERT INTO erased_identifiers (workspace_id, token, erased_at) SELECT $1, unnest($2::text[]), $3 ON CONFLICT (workspace_id, token) DO UPDATE SET erased_at = EXCLUDED.erased_at`, [workspaceId, tokens, this.now()]);
      }
      const rowsRemoved = await this.hooks.eraseAll(subject, m);
      return { profileId: subject.profileIds[0], profileIds: subject.profileIds, identifiersHashed: tokens.length, rowsRemoved };
    });
    // In chunks: one NOTIFY carries at most ~150 uuids, and every erased id must reach every instance's caches.
    for (let i = 0; i < result.profileIds.length; i += 150) this.bus?.publish("privacy.profileErased", { workspaceId, profileIds: result.profileIds.slice(i, i + 150) });
    await this.audit.append({
      workspaceId,
      at: this.now(),
      apiKeyId: requester.apiKeyId,
      role: requester.role,
      operationType: "job",
      operationName: reason,
      fields: ["eraseProfile"],
      targetIds: result.profileIds.slice(0, 20),
      targetCount: result.profileIds.length,
      personalData: false,
      outcome: "success",
      errorCode: null,
      ip: requester.ip,
      requestId: requester.requestId,
    });
    return result;
  }

  /** Lifts the erasure hashes of identifiers (the person consented again); returns how many were lifted. */
  async restore(workspaceId: string, identifiers: Record<string, string>): Promise<number> {
    // Erasure hashes are taken over stored values (blind indexes for email and phone), as erase() does.
    const tokens = Object.entries(identifiers).map(([type, value]) => this.crypto.erasure.token(workspaceId, type, this.crypto.identifiers.storedValue(workspaceId, type, normalizeIdentifier(type, value))));
    const [, n] = (await this.dataSource.query(`DELETE FROM erased_identifiers WHERE workspace_id = $1 AND token = ANY($2::text[])`, [workspaceId, tokens])) as [unknown, number];
    return n;
  }

  /**
   * Profile hook: profiles created after an erasure from the erased identifiers are erased at
   * once (before the request answers); an older profile that merely gained an erased identifier
   * loses that identifier only. Costs one cheap query when the workspace has no erasures.
   */
  async suppressErased(workspaceId: string, profileIds: string[]): Promise<number> {
    const rows: { profile_id: string; type: string; value: string; created_at: Date }[] = await this.dataSource.query(
      `SELECT i.profile_id, i.type, i.value, p.created_at FROM profile_identifiers i JOIN profiles p ON p.workspace_id = i.workspace_id AND p.id = i.profile_id
       WHERE i.workspace_id = $1 AND i.profile_id = ANY($2::uuid[]) AND EXISTS (SELECT 1 FROM erased_identifiers e WHERE e.workspace_id = $1)`,
      [workspaceId, profileIds],
    );
    if (!rows.length) return 0;
    const tokenOf = (r: (typeof rows)[number]) => this.crypto.erasure.token(workspaceId, r.type, r.value);
    const hits: { token: string; erased_at: Date }[] = await this.dataSource.query(`SELECT token, erased_at FROM erased_identifiers WHERE workspace_id = $1 AND token = ANY($2::text[])`, [workspaceId, rows.map(tokenOf)]);
    const erasedAt = new Map(hits.map((h) => [h.token, h.erased_at]));
    let suppressed = 0;
    for (const profileId of new Set(rows.filter((r) => erasedAt.has(tokenOf(r))).map((r) => r.profile_id))) {
      const mine = rows.filter((r) => r.profile_id === profileId);
      const lastErasure = Math.max(...mine.map((r) => erasedAt.get(tokenOf(r))?.getTime() ?? 0));
      if (mine[0].created_at.getTime() >= lastErasure) {
        await this.erase(workspaceId, profileId, { apiKeyId: null, role: null, ip: "internal", requestId: `suppress-${profileId}` }, "suppressErasedReappearance").catch((error) => {
          if (!(error instanceof NotFoundError)) throw error;
        });
      } else {
        const erasedOnes = mine.filter((r) => erasedAt.has(tokenOf(r)));
        await this.dataSource.query(`DELETE FROM profile_identifiers WHERE workspace_id = $1 AND profile_id = $2 AND (type, value) IN (SELECT * FROM unnest($3::text[], $4::text[]))`, [workspaceId, profileId, erasedOnes.map((r) => r.type), erasedOnes.map((r) => r.value)]);
      }
      suppressed++;
    }
    return suppressed;
  }
}
