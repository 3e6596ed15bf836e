import { randomUUID } from "node:crypto";
import type { DataSource, EntityManager } from "typeorm";
import type { Logger } from "../common/logger";
import type { IdentifierCodec } from "../privacy/crypto/identifier-codec";
import { followMerges, survivorOf } from "./merge-chains";
import { groupIdentifiers, mergeTraits, pickSurvivor, type MergeCandidate } from "./merge-profiles";
import type { ProfileChange } from "./profile-hooks";

/** Identifier type → value (user_id, email, anonymous_id, device_id, or a workspace's own type). */
export type IdentifierSet = Record<string, string>;

/** A step other modules run inside a merge's transaction (re-point events, combine consent, …). */
export type MergeStep = (manager: EntityManager, workspaceId: string, losers: string[], survivor: string) => Promise<void>;

/** The outcome of resolving identifier sets: the profile of each set, and merges performed. */
export interface Resolution {
  profileIds: string[];
  created: string[];
  merges: { survivor: string; losers: string[] }[];
}

export const KNOWN_TYPES = new Set(["user_id", "email"]);
const SEP = "\u0001";
const RETRYABLE = new Set(["40P01", "40001"]);

/** A profile identifiers were about to join was deleted meanwhile (erased): resolve again from the start. */
export class ProfileVanished extends Error {
  constructor(readonly profileIds: string[]) {
    super(`profiles ${profileIds.join(", ")} were deleted while identifiers were being attached to them`);
  }
}

/**
 * Deletes identifiers that still name deleted profiles (left by a race with an erasure, before
 * identity checked for it), so the next resolution gives them a profile again.
 */
export async function dropOrphanIdentifiers(m: EntityManager, ws: string, profileIds: string[]): Promise<void> {
  await m.query(
    `DELETE FROM profile_identifiers i WHERE i.workspace_id = $1 AND i.profile_id = ANY($2::uuid[]) AND NOT EXISTS (SELECT 1 FROM profiles p WHERE p.id = i.profile_id)`,
    [ws, profileIds],
  );
}

/** Retries a transaction on deadlock, serialization failure or a vanished profile (concurrent identity resolution, erasure). */
export async function withRetry<T>(work: () => Promise<T>, attempts = 6): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await work();
    } catch (error) {
      const code = (error as { code?: string; driverError?: { code?: string } }).driverError?.code ?? (error as { code?: string }).code;
      const retryable = error instanceof ProfileVanished || (code !== undefined && RETRYABLE.has(code));
      if (i >= attempts || !retryable) throw error;
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * i));
    }
  }
}

/**
 * Identity resolution: identifiers → one profile per person, creating profiles for new
 * identifiers (exactly once under concurrency, through ON CONFLICT on profile_identifiers) and
 * merging profiles when one event or identify() links identifiers of several.
 */
export class IdentityService {
  private readonly mergeSteps = new Map<string, MergeStep>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly logger: Logger,
    /** Sensitive identifiers (email, phone) are stored as blind index + ciphertext. */
    readonly codec: IdentifierCodec,
  ) {}

  /** Lets a higher module take part in every merge (inside its transaction). */
  registerMergeStep(name: string, step: MergeStep): void {
    this.mergeSteps.set(name, step);
  }

  /** Resolves each identifier set to a profile id (one transaction, a few set-based statements). */
  async resolve(workspaceId: string, sets: IdentifierSet[]): Promise<Resolution> {
    return withRetry(() => this.dataSource.transaction((m) => this.resolveIn(m, workspaceId, sets)));
  }

  /**
   * resolve() without a transaction when every identifier is stored and no set links two profiles
   * (the steady state of ingestion): one read, no locks. Otherwise the full resolve() — a short
   * transaction of its own, so new identifiers are committed (and their locks released) at once.
   */
  async resolveKnown(workspaceId: string, sets: IdentifierSet[]): Promise<Resolution> {
    const keyLists = sets.map((s) => Object.entries(s).map(([t, v]) => `${t}${SEP}${this.codec.storedValue(workspaceId, t, v)}`));
    const owners = await this.owners(this.dataSource.manager, workspaceId, [...new Set(keyLists.flat())]);
    const profileIds: string[] = [];
    for (const ks of keyLists) {
      const pid = owners.get(ks[0]);
      if (!pid || ks.some((k) => owners.get(k) !== pid)) {
        // The first attempt reuses the owners just read; a retry (deadlock) reads them again.
        let known: Map<string, string> | undefined = owners;
        return withRetry(() => this.dataSource.transaction((m) => this.resolveIn(m, workspaceId, sets, known)).finally(() => (known = undefined)));
      }
      profileIds.push(pid);
    }
    return { profileIds, created: [], merges: [] };
  }

  /** resolve() inside the caller's transaction. */
  async resolveIn(m: EntityManager, ws: string, sets: IdentifierSet[], known?: Map<string, string>): Promise<Resolution> {
    // Identity works on stored values (blind indexes for sensitive types); new rows get the ciphertext.
    const given = new Map<string, [string, string]>();
    const keyLists = sets.map((s) =>
      Object.entries(s).map(([t, v]) => {
        const key = `${t}${SEP}${this.codec.storedValue(ws, t, v)}`;
        if (!given.has(key)) given.set(key, [t, v]);
        return key;
      }),
    );
    const encrypt = (key: string) => this.codec.encrypt(ws, ...given.get(key)!);
    const components = groupIdentifiers(keyLists);
    const keys = components.flat();
    const split = (ks: string[]) => [ks.map((k) => k.split(SEP)[0]), ks.map((k) => k.split(SEP)[1])];
    const owners = known ? new Map(known) : await this.owners(m, ws, keys);
    const created: string[] = [];
    const merges: Resolution["merges"] = [];
    const componentProfile = new Map<string, string>();
    const missing: { key: string; target: string; fresh: boolean }[] = [];
    const pidsOf = components.map((c) => [...new Set(c.map((k) => owners.get(k)).filter((p): p is string => Boolean(p)))]);
    components.forEach((c, i) => {
      const fresh = pidsOf[i].length === 0;
      const target = fresh ? randomUUID() : pidsOf[i][0];
      for (const k of c) if (!owners.has(k)) missing.push({ key: k, target, fresh });
    });
    if (missing.length) {
      // Identifiers joining existing profiles: a merge of those profiles, committed meanwhile or
      // in progress, would leave them on a loser; hold the profiles and attach to their survivors.
      const redirect = await this.holdProfiles(m, ws, missing.filter((x) => !x.fresh).map((x) => x.target));
      if (redirect.size) {
        for (const x of missing) x.target = survivorOf(redirect, x.target);
        for (const [k, p] of owners) owners.set(k, survivorOf(redirect, p));
      }
      missing.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)); // fixed lock order
      const [types, values] = split(missing.map((x) => x.key));
      // One statement: the identifiers, and a profile for each new person whose identifiers won
      // (known when one of them is a user id or email) — one round trip less per new person.
      const inserted: { type: string; value: string; profile_id: string }[] = await m.query(
        `WITH k AS (SELECT * FROM unnest($2::text[], $3::text[], $4::uuid[], $5::text[], $6::bool[]) WITH ORDINALITY AS k(t, v, p, e, f, n)),
         ins AS (INSERT INTO profile_identifiers (workspace_id, type, value, profile_id, value_encrypted)
           SELECT $1, t, v, p, e FROM k ORDER BY n
           ON CONFLICT DO NOTHING RETURNING type, value, profile_id),
         fresh AS (INSERT INTO profiles (id, workspace_id, known)
           SELECT ins.profile_id, $1, bool_or(ins.type = ANY($7::text[])) FROM ins JOIN k ON k.t = ins.type AND k.v = ins.value WHERE k.f GROUP BY ins.profile_id)
         SELECT type, value, profile_id FROM ins`,
        [ws, types, values, missing.map((x) => x.target), missing.map((x) => encrypt(x.key)), missing.map((x) => x.fresh), [...KNOWN_TYPES]],
      );
      const won = new Set(inserted.map((r) => `${r.type}${SEP}${r.value}`));
      const newProfiles = new Set<string>();
      for (const x of missing) if (x.fresh && won.has(x.key)) newProfiles.add(x.target);
      created.push(...newProfiles);
      const becameKnown = missing.filter((x) => !x.fresh && won.has(x.key) && KNOWN_TYPES.has(x.key.split(SEP)[0])).map((x) => x.target);
      if (becameKnown.length) await m.query(`UPDATE profiles SET known = true, updated_at = now() WHERE workspace_id = $1 AND id = ANY($2::uuid[]) AND NOT known`, [ws, becameKnown]);
      for (const x of missing) if (won.has(x.key)) owners.set(x.key, x.target);
      const lost = missing.filter((x) => !won.has(x.key)).map((x) => x.key);
      // Identifiers another request created meanwhile (committed now: ON CONFLICT waited for it).
      if (lost.length) for (const [k, p] of await this.owners(m, ws, lost)) owners.set(k, p);
    }
    for (const c of components) {
      const pids = [...new Set(c.map((k) => owners.get(k)!))];
      let pid = pids[0];
      if (pids.length > 1) {
        const merged = await this.merge(m, ws, pids);
        pid = merged.survivor;
        if (merged.losers.length) merges.push(merged);
      }
      for (const k of c) componentProfile.set(k, pid);
    }
    const profileIds = keyLists.map((ks) => componentProfile.get(ks[0])!);
    return { profileIds, created, merges };
  }

  /**
   * Locks profiles (FOR KEY SHARE, in id order) until the transaction ends, so a merge or erasure
   * of them waits for it — and it for one in progress; follows merges committed meanwhile (their
   * survivors are held too). Returns loser → survivor; a profile deleted meanwhile (erased: its
   * identifiers went with it) throws `ProfileVanished`, and the resolution starts over.
   */
  private async holdProfiles(m: EntityManager, ws: string, ids: string[]): Promise<Map<string, string>> {
    if (!ids.length) return new Map();
    const { live, redirect } = await followMerges(ids, (next) =>
      m.query(`SELECT id, merged_into_id FROM profiles WHERE workspace_id = $1 AND id = ANY($2::uuid[]) ORDER BY id FOR KEY SHARE`, [ws, next]),
    );
    const vanished = [...new Set(ids.map((id) => survivorOf(redirect, id)))].filter((id) => !live.has(id));
    if (vanished.length) {
      // Identifiers still naming a deleted profile would send every retry back here: they go
      // first, on their own (this transaction is about to roll back).
      await dropOrphanIdentifiers(this.dataSource.manager, ws, vanished);
      throw new ProfileVanished(vanished);
    }
    return redirect;
  }

  /** Current owners of identifier keys, following merges (chains are kept one hop deep). */
  private async owners(m: EntityManager, ws: string, keys: string[]): Promise<Map<string, string>> {
    if (!keys.length) return new Map();
    // One primary-key probe per identifier (LIMIT 1 keeps the lateral a nested loop): a plain
    // join with an unnest of pairs hash-joins the workspace's identifiers when statistics are thin.
    // A merge moves the losers' identifiers to the survivor in the transaction that marks them
    // merged, so an identifier never names a merged profile and the profile row is not read (it
    // took 40 % of this statement); writes follow merges committed meanwhile anyway.
    const rows: { type: string; value: string; pid: string }[] = await m.query(
      `SELECT k.t AS type, k.v AS value, x.pid FROM unnest($2::text[], $3::text[]) AS k(t, v)
       CROSS JOIN LATERAL (
         SELECT i.profile_id AS pid FROM profile_identifiers i
         WHERE i.workspace_id = $1 AND i.type = k.t AND i.value = k.v LIMIT 1) x`,
      [ws, keys.map((k) => k.slice(0, k.indexOf(SEP))), keys.map((k) => k.slice(k.indexOf(SEP) + 1))],
    );
    return new Map(rows.map((r) => [`${r.type}${SEP}${r.value}`, r.pid]));
  }

  /** Merges profiles into one survivor inside the caller's transaction; returns survivor and losers. */
  async merge(m: EntityManager, ws: string, profileIds: string[]): Promise<{ survivor: string; losers: string[] }> {
    let ids = [...new Set(profileIds)];
    type Row = MergeCandidate & { mergedIntoId: string | null; firstSeenAt: Date | null; lastSeenAt: Date | null };
    let rows: Row[] = [];
    for (let round = 0; round < 5; round++) {
      rows = await m.query(
        `SELECT id, known, traits, created_at AS "createdAt", updated_at AS "updatedAt", merged_into_id AS "mergedIntoId", first_seen_at AS "firstSeenAt", last_seen_at AS "lastSeenAt"
         FROM profiles WHERE workspace_id = $1 AND id = ANY($2::uuid[]) ORDER BY id FOR UPDATE`,
        [ws, ids],
      );
      const extra = rows.map((r) => r.mergedIntoId).filter((x): x is string => Boolean(x) && !ids.includes(x!));
      if (!extra.length) break;
      ids = [...ids, ...extra];
    }
    const live = rows.filter((r) => !r.mergedIntoId);
    if (live.length < 2) return { survivor: live[0]?.id ?? rows[0].mergedIntoId!, losers: [] };
    const survivor = pickSurvivor(live);
    const losers = live.filter((r) => r.id !== survivor.id).map((r) => r.id);
    const times = (pick: (r: Row) => Date | null) => live.map(pick).filter((d): d is Date => Boolean(d)).map((d) => d.getTime());
    const first = times((r) => r.firstSeenAt), last = times((r) => r.lastSeenAt);
    await m.query(`UPDATE profile_identifiers SET profile_id = $2 WHERE workspace_id = $1 AND profile_id = ANY($3::uuid[])`, [ws, survivor.id, losers]);
    await m.query(`UPDATE profiles SET merged_into_id = $2, updated_at = now() WHERE workspace_id = $1 AND (id = ANY($3::uuid[]) OR merged_into_id = ANY($3::uuid[]))`, [ws, survivor.id, losers]);
    await m.query(
      `UPDATE profiles SET traits = $3, known = $4, first_seen_at = $5, last_seen_at = $6, updated_at = now() WHERE workspace_id = $1 AND id = $2`,
      [ws, survivor.id, JSON.stringify(mergeTraits(live)), live.some((r) => r.known), first.length ? new Date(Math.min(...first)) : null, last.length ? new Date(Math.max(...last)) : null],
    );
    await m.query(`INSERT INTO profile_merges (workspace_id, from_profile_id, into_profile_id) SELECT $1, unnest($2::uuid[]), $3`, [ws, losers, survivor.id]);
    for (const step of this.mergeSteps.values()) await step(m, ws, losers, survivor.id);
    this.logger.debug({ workspaceId: ws, survivor: survivor.id, losers }, "profiles merged");
    return { survivor: survivor.id, losers };
  }

  /** Profile changes describing merges (for hooks and the bus). */
  static mergeChanges(ws: string, merges: Resolution["merges"]): ProfileChange[] {
    return merges.flatMap((g) => g.losers.map((l) => ({ workspaceId: ws, profileId: g.survivor, changed: ["merge" as const], mergedProfileId: l })));
  }
}
