import type { DataSource } from "typeorm";
import { ProblemCollector } from "../common/errors";
import { Profile } from "./profile.entity";
import { IdentityService, type IdentifierSet } from "./identity.service";
import type { ProfileChangePublisher } from "./profile-changes";
import type { ProfileChange } from "./profile-hooks";
import type { TraitDefinitionsService } from "./trait-definitions.service";

const TYPE_PATTERN = /^[a-z][a-z0-9_]{0,39}$/;

/** Profile reads every module may use (the PROFILES contract), plus identify(). */
export class ProfileService {
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
    const byAsked = new Map<string, Profile>();
    rows.raw.forEach((raw: { asked_id: string; p_id: string }) => {
      const entity = rows.entities.find((e) => e.id === raw.p_id);
      if (entity) byAsked.set(raw.asked_id, entity);
    });
    return ids.map((id) => byAsked.get(id) ?? null);
  }

  /** The live profile holding an identifier, or null. */
  async findByIdentifier(workspaceId: string, type: string, value: string): Promise<Profile | null> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT COALESCE(p.merged_into_id, p.id) AS id FROM profile_identifiers i JOIN profiles p ON p.id = i.profile_id
       WHERE i.workspace_id = $1 AND i.type = $2 AND i.value = $3`,
      [workspaceId, type, normalizeIdentifier(type, value)],
    );
    if (!rows[0]) return null;
    return (await this.getMany(workspaceId, [rows[0].id]))[0];
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
    const profileId = resolution.profileIds[0];
    const patch = Object.fromEntries(Object.entries(traits).filter(([, v]) => v !== null && v !== undefined));
    if (Object.keys(patch).length)
      await this.dataSource.query(`UPDATE profiles SET traits = traits || $3::jsonb, updated_at = now() WHERE workspace_id = $1 AND id = $2`, [workspaceId, profileId, JSON.stringify(patch)]);
    const changes: ProfileChange[] = [
      ...IdentityService.mergeChanges(workspaceId, resolution.merges),
      { workspaceId, profileId, changed: ["traits"], traitNames: Object.keys(patch) },
    ];
    await this.changes.publish(changes);
    return (await this.getMany(workspaceId, [profileId]))[0]!;
  }
}

/** Emails compare case-insensitively; other identifiers as sent. */
export function normalizeIdentifier(type: string, value: string): string {
  return type === "email" ? value.trim().toLowerCase() : value;
}
