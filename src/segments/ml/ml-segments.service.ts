import { ConflictError, UserInputError } from "../../common/errors";
import type { JobContext } from "../../common/jobs";
import type { Kernel } from "../../common/kernel";
import { assertUuid } from "../../common/validation";
import { WorkspaceScope } from "../../db/workspace-scope";
import { Segment, SegmentKind, SegmentStatus } from "../segment.entity";
import type { SegmentService } from "../segment.service";
import type { TraitCatalogService } from "../trait-catalog";
import { chooseK, nearest, standardize } from "./kmeans";
import { auc, scoreRow, split, trainLogistic } from "./logistic";
import type { ModelRegistry } from "../../models/model-registry";
import { LOOKALIKE_KIND, exportLookalike, scoreWithSession } from "./lookalike-onnx";
import { persona } from "./persona";
import { DEFAULT_FEATURES, loadFeatures, validateFeatures, type FeatureSpec } from "./profile-features";

/** Parameters of a clustering run (validated before it is queued). */
export interface ClusterParams {
  features: FeatureSpec[];
  kMin: number;
  kMax: number;
  namePrefix: string;
}

/** Parameters of a lookalike run. */
export interface LookalikeParams {
  seedSegmentId: string;
  features: FeatureSpec[];
  size: number | null;
  threshold: number | null;
  name: string | null;
}

const SAMPLE = 20_000;

/** Clusters and lookalikes: pure k-means / logistic regression over SQL-loaded features; members written set-based. */
export class MlSegmentsService {
  constructor(
    private readonly kernel: Kernel,
    private readonly catalog: TraitCatalogService,
    private readonly segments: SegmentService,
    private readonly registry: ModelRegistry,
  ) {}

  async checkClusters(scope: WorkspaceScope, input: { features: FeatureSpec[]; k?: number | null; kMin?: number | null; kMax?: number | null; namePrefix?: string | null }): Promise<ClusterParams> {
    const catalog = await this.catalog.get(scope.manager, scope.workspaceId, true);
    const problems = validateFeatures(input.features, catalog, "input.features");
    const kMin = input.k ?? input.kMin ?? 2;
    const kMax = input.k ?? input.kMax ?? 8;
    if (input.k != null && (input.kMin != null || input.kMax != null)) problems.push({ path: "input.k", message: "give k or kMin/kMax, not both" });
    if (!Number.isInteger(kMin) || kMin < 2 || kMin > 20) problems.push({ path: input.k != null ? "input.k" : "input.kMin", message: "must be from 2 to 20" });
    if (!Number.isInteger(kMax) || kMax < kMin || kMax > 20) problems.push({ path: "input.kMax", message: "must be from kMin to 20" });
    if (problems.length) throw new UserInputError(problems);
    return { features: input.features.map((f) => ({ name: f.name, source: f.source })), kMin, kMax, namePrefix: (input.namePrefix ?? "Cluster").slice(0, 100) };
  }

  async checkLookalike(scope: WorkspaceScope, input: { seedSegmentId: string; features?: FeatureSpec[] | null; size?: number | null; threshold?: number | null; name?: string | null }): Promise<LookalikeParams> {
    assertUuid(input.seedSegmentId, "input.seedSegmentId");
    const seed = await scope.get(Segment, { id: input.seedSegmentId }, "Segment", input.seedSegmentId);
    if (seed.status === SegmentStatus.ARCHIVED) throw new ConflictError("The seed segment is archived", { path: "input.seedSegmentId" });
    const features = input.features?.length ? input.features.map((f) => ({ name: f.name, source: f.source })) : DEFAULT_FEATURES;
    const problems = validateFeatures(features, await this.catalog.get(scope.manager, scope.workspaceId, true), "input.features");
    if ((input.size == null) === (input.threshold == null)) problems.push({ path: "input.size", message: "give exactly one of size or threshold" });
    if (input.size != null && (!Number.isInteger(input.size) || input.size < 1 || input.size > 10_000_000)) problems.push({ path: "input.size", message: "must be a whole number from 1" });
    if (input.threshold != null && !(input.threshold > 0 && input.threshold < 1)) problems.push({ path: "input.threshold", message: "must be between 0 and 1" });
    if (seed.memberCount < 10) problems.push({ path: "input.seedSegmentId", message: `the seed has ${seed.memberCount} members; at least 10 are needed` });
    if (problems.length) throw new UserInputError(problems);
    return { seedSegmentId: seed.id, features, size: input.size ?? null, threshold: input.threshold ?? null, name: input.name ?? `Like ${seed.name}` };
  }

  /** k-means++ over standardized features (k by silhouette); each cluster becomes a segment with a persona. */
  async runClusters(workspaceId: string, params: ClusterParams, job?: Pick<JobContext, "progress">): Promise<Record<string, unknown>> {
    const scope = WorkspaceScope.of(this.kernel.dataSource, workspaceId);
    const { ids, rows } = await loadFeatures(scope.manager, workspaceId, params.features, this.kernel.clock.now());
    if (ids.length < params.kMax + 1) throw UserInputError.single("input.kMax", `only ${ids.length} profiles to cluster`);
    await job?.progress(0.2, `${ids.length} profiles loaded`);
    const { z, means, stds } = standardize(rows);
    // Fit on a sample, then assign every profile to its nearest centroid.
    const step = Math.max(1, Math.floor(z.length / SAMPLE));
    const sample = z.filter((_, i) => i % step === 0);
    const { best, curve } = chooseK(sample, params.kMin, params.kMax);
    await job?.progress(0.7, `k = ${best.k}`);
    const names = params.features.map((f) => f.name);
    const labels = z.map((p) => nearest(p, best.centroids));
    const created = [];
    for (let c = 0; c < best.k; c++) {
      const words = persona(best.centroids[c], names);
      const members = ids.filter((_, i) => labels[i] === c);
      const centroid = Object.fromEntries(names.map((n, j) => [n, best.centroids[c][j] * stds[j] + means[j]]));
      const segment = await this.segments.createStatic(scope, SegmentKind.CLUSTER, `${params.namePrefix} ${c + 1}: ${words}`, { persona: words, centroid, k: best.k, features: params.features });
      await this.writeMembers(workspaceId, segment.id, members);
      created.push({ id: segment.id, name: segment.name, persona: words, size: members.length });
    }
    const chosen = curve.find((p) => p.k === best.k)!;
    return { k: best.k, silhouette: chosen.silhouette, elbow: curve, segments: created };
  }

  /** Logistic regression seed vs non-members; the top scorers outside the seed form the segment. */
  async runLookalike(workspaceId: string, params: LookalikeParams, job?: Pick<JobContext, "progress">): Promise<Record<string, unknown>> {
    const scope = WorkspaceScope.of(this.kernel.dataSource, workspaceId);
    const { ids, rows } = await loadFeatures(scope.manager, workspaceId, params.features, this.kernel.clock.now());
    const seed = new Set(
      ((await scope.manager.query(`SELECT profile_id FROM segment_memberships WHERE workspace_id = $1 AND segment_id = $2 AND exited_at IS NULL`, [workspaceId, params.seedSegmentId])) as { profile_id: string }[]).map((r) => r.profile_id),
    );
    const labels = ids.map((id) => (seed.has(id) ? 1 : 0));
    await job?.progress(0.2, `${ids.length} profiles, ${seed.size} in the seed`);
    // Held-out AUC: 25% of seed members and of non-members never seen in training.
    const { train, test } = split(ids.length, 0.25);
    const model = trainLogistic(train.map((i) => rows[i]), train.map((i) => labels[i]), params.features.map((f) => f.name));
    const heldOutAuc = auc(test.map((i) => scoreRow(model, rows[i])), test.map((i) => labels[i]));
    await job?.progress(0.7, `held-out AUC ${heldOutAuc.toFixed(3)}`);
    // The model is a registry version; every profile is scored by its ONNX Runtime session.
    const version = await this.registry.stage({
      workspaceId,
      kind: LOOKALIKE_KIND,
      params: { seedSegmentId: params.seedSegmentId, features: params.features },
      onnx: exportLookalike(model),
      metrics: { auc: heldOutAuc },
      dataCounts: { profiles: ids.length, seed: seed.size },
    });
    const scores = await scoreWithSession(await this.registry.session(version), rows);
    const candidates = ids.map((id, i) => ({ id, score: scores[i] })).filter((c) => !seed.has(c.id)).sort((a, b) => b.score - a.score);
    const chosen = params.size != null ? candidates.slice(0, params.size) : candidates.filter((c) => c.score >= params.threshold!);
    const segment = await this.segments.createStatic(scope, SegmentKind.LOOKALIKE, params.name ?? "Lookalike", {
      seedSegmentId: params.seedSegmentId,
      auc: heldOutAuc,
      modelVersionId: version.id,
      model: { features: model.features, weights: model.weights, bias: model.bias, means: model.means, stds: model.stds },
      minScore: chosen[chosen.length - 1]?.score ?? null,
    });
    await this.writeMembers(workspaceId, segment.id, chosen.map((c) => c.id));
    return { segmentId: segment.id, auc: heldOutAuc, size: chosen.length, seedSize: seed.size, modelVersionId: version.id };
  }

  private async writeMembers(workspaceId: string, segmentId: string, profileIds: string[]): Promise<void> {
    const now = this.kernel.clock.now();
    await this.kernel.dataSource.transaction(async (m) => {
      await m.query(`INSERT INTO segment_memberships (workspace_id, segment_id, profile_id, entered_at) SELECT $1, $2, unnest($3::uuid[]), $4`, [workspaceId, segmentId, profileIds, now]);
      await m.query(`UPDATE segments SET member_count = $3 WHERE workspace_id = $1 AND id = $2`, [workspaceId, segmentId, profileIds.length]);
      await m.query(`INSERT INTO segment_size_history (workspace_id, segment_id, at, size) VALUES ($1, $2, $3, $4)`, [workspaceId, segmentId, now, profileIds.length]);
    });
    this.kernel.bus.publish("segment.sizeChanged", { workspaceId, segmentId, size: profileIds.length, at: now.toISOString() });
  }
}
