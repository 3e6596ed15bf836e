import type { DataSource } from "typeorm";
import type { DomainBus } from "../common/bus";
import { ConflictError, UserInputError } from "../common/errors";
import { assertUuid } from "../common/validation";
import type { WorkspaceScope } from "../db/workspace-scope";
import type { Profile } from "../profiles/profile.entity";
import type { Condition } from "./condition.types";
import { conditionDependencies } from "./dependencies";
import { matchStatement } from "./membership-sql";
import type { MembershipService } from "./membership.service";
import { normalizeCondition } from "./normalize-condition";
import { Segment, SegmentKind, SegmentStatus } from "./segment.entity";
import { SegmentVersion } from "./segment-records.entity";
import type { SegmentDefinitions } from "./segment-definitions";
import type { SegmentWarning } from "./segment.types";
import type { TraitCatalogService } from "./trait-catalog";
import { validateCondition } from "./validate-condition";

const TINY = 10;
const NEAR_DUPLICATE_JACCARD = 0.9;

/** Creating, versioning, archiving and previewing segments. */
export class SegmentService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly bus: DomainBus,
    private readonly catalog: TraitCatalogService,
    private readonly definitions: SegmentDefinitions,
    private readonly memberships: MembershipService,
  ) {}

  /** Validates a rule against the workspace (every problem, by path) and returns it normalized. */
  async check(scope: WorkspaceScope, condition: unknown, path: string, selfId?: string): Promise<Condition> {
    const catalog = await this.catalog.get(scope.manager, scope.workspaceId, true);
    const { infos } = await this.definitions.get(scope.manager, scope.workspaceId);
    const normalized = normalizeCondition(condition);
    const problems = validateCondition(normalized, path, { catalog, segments: infos, selfId });
    if (problems.length) throw new UserInputError(problems);
    return normalized as Condition;
  }

  async create(scope: WorkspaceScope, input: { name: string; key?: string | null; description?: string | null; condition: unknown }): Promise<{ segment: Segment; warnings: SegmentWarning[] }> {
    const name = checkName(input.name, "input.name");
    const key = input.key ? checkKey(input.key) : slug(name);
    const condition = await this.check(scope, input.condition, "input.condition");
    if (await scope.findOne(Segment, { key })) throw new ConflictError(`A segment with key "${key}" already exists`, { path: "input.key" });
    const { infos } = await this.definitions.get(scope.manager, scope.workspaceId);
    const segment = await scope.save(Segment, { name, key, description: input.description ?? null, kind: SegmentKind.RULE, condition, dependencies: conditionDependencies(condition, infos), version: 1 });
    await scope.save(SegmentVersion, { segmentId: segment.id, version: 1, name, condition });
    this.changed(scope.workspaceId, segment.id);
    await this.memberships.recompute(scope.workspaceId, segment.id);
    return this.withWarnings(scope, segment.id);
  }

  /** Saves ML segments (clusters, lookalikes) whose members a job sets. */
  async createStatic(scope: WorkspaceScope, kind: SegmentKind, name: string, details: Record<string, unknown>): Promise<Segment> {
    const base = slug(name);
    let key = base;
    for (let i = 2; await scope.findOne(Segment, { key }); i++) key = `${base}-${i}`;
    const segment = await scope.save(Segment, { name, key, kind, condition: null, dependencies: null, details, version: 1 });
    await scope.save(SegmentVersion, { segmentId: segment.id, version: 1, name, condition: null });
    this.changed(scope.workspaceId, segment.id);
    return segment;
  }

  async update(scope: WorkspaceScope, input: { id: string; name?: string | null; description?: string | null; condition?: unknown }): Promise<{ segment: Segment; warnings: SegmentWarning[] }> {
    assertUuid(input.id, "input.id");
    const segment = await scope.get(Segment, { id: input.id }, "Segment", input.id);
    if (segment.status === SegmentStatus.ARCHIVED) throw new ConflictError("An archived segment cannot be changed", { path: "input.id" });
    if (input.condition && segment.kind !== SegmentKind.RULE) throw UserInputError.single("input.condition", "only rule segments have a condition");
    const name = input.name ? checkName(input.name, "input.name") : segment.name;
    const condition = input.condition ? await this.check(scope, input.condition, "input.condition", segment.id) : segment.condition;
    const { infos } = await this.definitions.get(scope.manager, scope.workspaceId);
    const version = segment.version + 1;
    await scope.manager.transaction(async (manager) => {
      const tx = scope.withManager(manager);
      await tx.update(Segment, { id: segment.id }, { name, description: input.description ?? segment.description, condition, version, dependencies: condition ? conditionDependencies(condition, infos) : null });
      await tx.save(SegmentVersion, { segmentId: segment.id, version, name, condition });
    });
    this.changed(scope.workspaceId, segment.id);
    if (input.condition) await this.memberships.recompute(scope.workspaceId, segment.id);
    return this.withWarnings(scope, segment.id);
  }

  async archive(scope: WorkspaceScope, id: string): Promise<Segment> {
    assertUuid(id, "input.id");
    const segment = await scope.get(Segment, { id }, "Segment", id);
    const { rules } = await this.definitions.get(scope.manager, scope.workspaceId);
    const users = rules.filter((s) => s.id !== id && JSON.stringify(s.condition).includes(`"${id}"`));
    if (users.length) throw new ConflictError(`Segment is used by ${users.map((s) => `"${s.name}"`).join(", ")}; change those first`, { path: "input.id" });
    await scope.update(Segment, { id }, { status: SegmentStatus.ARCHIVED, archivedAt: new Date() });
    this.changed(scope.workspaceId, segment.id);
    return scope.get(Segment, { id }, "Segment", id);
  }

  /** Count and a sample of the profiles a rule would select; nothing is saved. */
  async preview(scope: WorkspaceScope, condition: unknown, sample: number, now: Date): Promise<{ count: number; sample: Profile[] }> {
    const normalized = await this.check(scope, condition, "condition");
    const catalog = await this.catalog.get(scope.manager, scope.workspaceId);
    const { infos } = await this.definitions.get(scope.manager, scope.workspaceId);
    const { where, params } = matchStatement(normalized, { workspaceId: scope.workspaceId, now, catalog, segments: infos });
    const limit = params.add(sample, "int");
    const rows = (await scope.manager.query(
      `SELECT count(*) OVER ()::int AS total, p.id, p.traits, p.computed, p.known, p.first_seen_at, p.last_seen_at, p.created_at, p.updated_at
         FROM profiles p WHERE ${where} ORDER BY p.id LIMIT ${limit}`,
      params.values,
    )) as { total: number; id: string; traits: Record<string, unknown>; computed: Record<string, unknown>; known: boolean; first_seen_at: Date | null; last_seen_at: Date | null; created_at: Date; updated_at: Date }[];
    const count = rows[0]?.total ?? 0;
    const profiles = rows.map((r) => ({ id: r.id, workspaceId: scope.workspaceId, traits: r.traits, computed: r.computed, known: r.known, mergedIntoId: null, firstSeenAt: r.first_seen_at, lastSeenAt: r.last_seen_at, createdAt: r.created_at, updatedAt: r.updated_at }) as Profile);
    return { count, sample: profiles };
  }

  /** Over-segmentation warnings: a tiny segment, or one nearly the same as another. */
  private async withWarnings(scope: WorkspaceScope, id: string): Promise<{ segment: Segment; warnings: SegmentWarning[] }> {
    const segment = await scope.get(Segment, { id }, "Segment", id);
    const warnings: SegmentWarning[] = [];
    if (segment.memberCount < TINY) warnings.push({ code: "TINY_SEGMENT", message: `has ${segment.memberCount} members (fewer than ${TINY}); too small to target or measure` });
    const overlaps = (await scope.manager.query(
      `SELECT o.segment_id, s.name, s.member_count, count(*)::int AS common
         FROM segment_memberships a
         JOIN segment_memberships o ON o.workspace_id = a.workspace_id AND o.profile_id = a.profile_id AND o.exited_at IS NULL AND o.segment_id <> a.segment_id
         JOIN segments s ON s.id = o.segment_id AND s.workspace_id = a.workspace_id AND s.status = 'ACTIVE'
        WHERE a.workspace_id = $1 AND a.segment_id = $2 AND a.exited_at IS NULL
        GROUP BY o.segment_id, s.name, s.member_count`,
      [scope.workspaceId, id],
    )) as { segment_id: string; name: string; member_count: number; common: number }[];
    for (const o of overlaps) {
      const jaccard = o.common / (segment.memberCount + o.member_count - o.common);
      if (jaccard >= NEAR_DUPLICATE_JACCARD) warnings.push({ code: "NEAR_DUPLICATE", segmentId: o.segment_id, message: `shares ${Math.round(jaccard * 100)}% of its members with "${o.name}"` });
    }
    return { segment, warnings };
  }

  private changed(workspaceId: string, segmentId: string): void {
    this.definitions.invalidate(workspaceId);
    this.bus.publish("segment.definitionChanged", { workspaceId, segmentId });
  }
}

function checkName(name: string, path: string): string {
  const trimmed = name.trim();
  if (!trimmed || trimmed.length > 200) throw UserInputError.single(path, "must be 1 to 200 characters");
  return trimmed;
}

function checkKey(key: string): string {
  if (!/^[a-z0-9][a-z0-9_-]{0,99}$/.test(key)) throw UserInputError.single("input.key", "must be lowercase letters, digits, _ or - (at most 100)");
  return key;
}

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 80) || "segment";
}
