import DataLoader from "dataloader";
import type { DataSource } from "typeorm";
import { ProblemCollector } from "../common/errors";
import { Profile } from "./profile.entity";
import { IdentityService, type IdentifierSet } from "./identity.service";
import { survivorOf } from "./merge-chains";
import type { ProfileChangePublisher } from "./profile-changes";
import type { ProfileChange } from "./profile-hooks";
import type { TraitDefinitionsService } from "./trait-definitions.service";

const TYPE_PATTERN = /^[a-z][a-z0-9_]{0,39}$/;

/** Profile reads every module may use (the PROFILES contract), plus identify(). */
export class ProfileService {
  private readonly lookups = new Map<string, DataLoader<string, Profile | null>>();

  constructor(
    private readonly dataSource: DataSource,
    readonly identity: IdentityService,
    private readonly traitTypes: TraitDefinitionsService,
    private readonly changes: ProfileChangePublisher,
  ) {}

  /** The live profile id for `id`, following merges; null when unknown in this workspace. */
  async resolveId(workspaceId: string, id: string): Promise<string | null> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT COALESCE(p.merged_into_id, p.id) AS id FROM profiles p WHERE p.workspace_id = $1 AND p.id = $2`,
      [workspaceId, id],
    );
    return rows[0]?.id ?? null;
  }

  /**
   * One profile by id (a merged id gives its survivor, unknown null). Concurrent lookups of a
   * workspace in one event-loop turn (many requests' `profile(id)`) share one `getMany` query.
   */
  get(workspaceId: string, id: string): Promise<Profile | null> {
    let loader = this.lookups.get(workspaceId);
    if (!loader) {
      loader = new DataLoader((ids: readonly string[]) => this.getMany(workspaceId, ids), { cache: false, maxBatchSize: 500, batchScheduleFn: (dispatch) => setImmediate(dispatch) });
      this.lookups.set(workspaceId, loader);
    }
    return loader.load(id);
  }

  /** Profiles for ids in key order (merged ids give their survivor, unknown ids null); one query. */
  async getMany(workspaceId: string, ids: readonly string[]): Promise<(Profile | null)[]> {
    if (!ids.length) return [];
    const rows = await this.dataSource
      .getRepository(Profile)
      .createQueryBuilder("p")
      .innerJoin("profiles", "asked", "asked.workspace_id = p.workspace_id AND COALESCE(asked.merged_into_id, asked.id) = p.id")
      .addSelect("asked.id", "asked_id")
      .where("p.workspace_id = :workspaceId AND asked.id = ANY(:ids::uuid[])", { workspaceId, ids: [...ids] })
      .getRawAndEntities();
    const byId = new Map(rows.entities.map((e) => [e.id, e]));
    const byAsked = new Map<string, Profile>();
    rows.raw.forEach((raw: { asked_id: string; p_id: string }) => {
      const entity = byId.get(raw.p_id);
      if (entity) byAsked.set(raw.asked_id, entity);
    });
    return ids.map((id) => byAsked.get(id) ?? null);
  }

  /** The live profile holding an identifier, or null. */
  async findByIdentifier(workspaceId: string, type: string, value: string): Promise<Profile | null> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT COALESCE(p.merged_into_id, p.id) AS id FROM profile_identifiers i JOIN profiles p ON p.id = i.profile_id
       WHERE i.workspace_id = $1 AND i.type = $2 AND i.value = $3`,
      [workspaceId, type, this.identity.codec.storedValue(workspaceId, type, normalizeIdentifier(type, value))],
    );
    if (!rows[0]) return null;
    return (await this.getMany(workspaceId, [rows[0].id]))[0];
  }

  /** An identifier's value as given (sensitive ones are stored as blind index + ciphertext). */
  revealIdentifier(workspaceId: string, type: string, storedValue: string, encrypted: string | null | undefined): string {
    return this.identity.codec.reveal(workspaceId, type, storedValue, encrypted);
  }

  /** identify() for many rows at once (the importer): per-row validation, set-based resolution and trait updates. */
  async identifyMany(workspaceId: string, rows: ProfileRow[]): Promise<ProfileRowResult[]> {
    const types = await this.traitTypes.typesFor(workspaceId);
    const results: ProfileRowResult[] = rows.map((row) => {
      const problems = new ProblemCollector();
      for (const [type, value] of Object.entries(row.identifiers))
        if (!TYPE_PATTERN.test(type) || typeof value !== "string" || !value.trim()) problems.add(`identifiers.${type}`, "must be a lower_snake_case type with a non-empty value");
      if (!Object.keys(row.identifiers).length) problems.add("identifiers", "at least one identifier is required");
      this.traitTypes.check(types, row.traits, "traits", problems);
      return { status: problems.ok ? "ACCEPTED" : "REJECTED", profileId: null, reasons: problems.problems.map((p) => ({ ...p, code: p.path === "identifiers" ? "missing_identifier" : "invalid_type" })) };
    });
    const ok = rows.map((r, i) => ({ r, i })).filter(({ i }) => results[i].status === "ACCEPTED");
    if (!ok.length) return results;
    const sets = ok.map(({ r }) => Object.fromEntries(Object.entries(r.identifiers).map(([t, v]) => [t, normalizeIdentifier(t, v)])));
    const resolution = await this.identity.resolve(workspaceId, sets);
    const patches = ok.map(({ r }, k) => ({ id: resolution.profileIds[k], traits: withoutNulls(r.traits) }));
    const written = await this.patchTraits(workspaceId, patches);
    ok.forEach(({ i }, k) => (results[i].profileId = survivorOf(written.redirect, resolution.profileIds[k])));
    const touched = new Set(ok.map(({ i }) => results[i].profileId!));
    await this.changes.publish([...IdentityService.mergeChanges(workspaceId, resolution.merges), ...[...touched].map((profileId) => ({ workspaceId, profileId, changed: ["traits" as const], traitNames: written.names.get(profileId) ?? [] }))]);
    return results;
  }

  /**
   * Merges trait patches into profiles (later patches of one profile win), following merges: a
   * profile merged meanwhile — or while this waits for a merge in progress — gets its patch
   * written to the survivor. Returns loser → survivor and the trait names written per profile.
   */
  private async patchTraits(workspaceId: string, patches: { id: string; traits: Record<string, unknown> }[]): Promise<{ redirect: Map<string, string>; names: Map<string, string[]> }> {
    const redirect = new Map<string, string>();
    const names = new Map<string, string[]>();
    let pending = patches.filter((p) => Object.keys(p.traits).length);
    for (let round = 0; pending.length && round < 5; round++) {
      const targets = pending.map((p) => survivorOf(redirect, p.id));
      const byProfile = new Map<string, Record<string, unknown>>();
      pending.forEach((p, i) => byProfile.set(targets[i], { ...(byProfile.get(targets[i]) ?? {}), ...p.traits }));
      // Only live rows are written: a row a merge changed meanwhile is skipped (re-checked after the merge committed).
      const written: { id: string }[] = await this.dataSource.query(
        `WITH w AS (UPDATE profiles p SET traits = p.traits || x.t, updated_at = now() FROM jsonb_to_recordset($2::jsonb) AS x(id uuid, t jsonb)
           WHERE p.workspace_id = $1 AND p.id = x.id AND p.merged_into_id IS NULL RETURNING p.id) SELECT id FROM w`,
        [workspaceId, JSON.stringify([...byProfile].map(([id, t]) => ({ id, t })))],
      );
      for (const { id } of written) names.set(id, [...new Set([...(names.get(id) ?? []), ...Object.keys(byProfile.get(id)!)])]);
      const done = new Set(written.map((w) => w.id));
      const skipped = [...byProfile.keys()].filter((id) => !done.has(id));
      if (!skipped.length) break;
      // A new statement sees the merges committed while the update waited.
      const rows: { id: string; merged_into_id: string | null }[] = await this.dataSource.query(`SELECT id, merged_into_id FROM profiles WHERE workspace_id = $1 AND id = ANY($2::uuid[])`, [workspaceId, skipped]);
      for (const r of rows) if (r.merged_into_id) redirect.set(r.id, r.merged_into_id);
      pending = pending.filter((_, i) => redirect.has(targets[i]));
    }
    return { redirect, names };
  }

  /** Attaches identifiers and traits to one person, merging profiles the identifiers link. */
  async identify(workspaceId: string, identifiers: IdentifierSet, traits: Record<string, unknown>, path = "input"): Promise<Profile> {
    const problems = new ProblemCollector();
    const clean: IdentifierSet = {};
    for (const [type, value] of Object.entries(identifiers)) {
      if (!TYPE_PATTERN.test(type)) problems.add(`${path}.identifiers.${type}`, "identifier type must be lower_snake_case");
      else if (typeof value !== "string" || !value.trim() || value.length > 500) problems.add(`${path}.identifiers.${type}`, "must be a non-empty string of at most 500 characters");
      else clean[type] = normalizeIdentifier(type, value);
    }
    if (!Object.keys(clean).length && problems.ok) problems.add(`${path}.identifiers`, "at least one identifier is required");
    this.traitTypes.check(await this.traitTypes.typesFor(workspaceId), traits, `${path}.traits`, problems);
    problems.throwIfAny();
    const resolution = await this.identity.resolve(workspaceId, [clean]);
    const patch = withoutNulls(traits);
    const written = await this.patchTraits(workspaceId, [{ id: resolution.profileIds[0], traits: patch }]);
    const profileId = survivorOf(written.redirect, resolution.profileIds[0]);
    const changes: ProfileChange[] = [
      ...IdentityService.mergeChanges(workspaceId, resolution.merges),
      { workspaceId, profileId, changed: ["traits"], traitNames: Object.keys(patch) },
    ];
    await this.changes.publish(changes);
    return (await this.getMany(workspaceId, [profileId]))[0]!;
  }
}

/** One row of a bulk profile import: identifiers and traits. */
export interface ProfileRow {
  identifiers: IdentifierSet;
  traits: Record<string, unknown>;
}

/** The answer for one imported profile row. */
export interface ProfileRowResult {
  status: "ACCEPTED" | "REJECTED";
  profileId: string | null;
  reasons: { path: string; code: string; message: string }[];
}

/** Traits to write: null and undefined values are left out (they never erase a stored trait). */
function withoutNulls(traits: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(traits).filter(([, v]) => v !== null && v !== undefined));
}

/** Emails compare case-insensitively; other identifiers as sent. */
export function normalizeIdentifier(type: string, value: string): string {
  return type === "email" ? value.trim().toLowerCase() : value;
}
