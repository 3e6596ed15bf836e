import type { DataSource } from "typeorm";
import type { DomainBus } from "../../common/bus";
import type { Logger } from "../../common/logger";
import type { ModelRegistry } from "../../models/model-registry";
import { FEATURES } from "../features/feature-set";
import type { PredictionsService } from "../predictions.service";
import { scoreRows } from "../predictions.service";
import { predictRow } from "../training/fit";
import { rocAuc } from "../training/metrics";
import { inPopulation, type PredictionKind } from "../training/prediction-kinds";
import { readTrainingParams, rowsAtCutoff, trainingCutoffs } from "../training/prediction-trainers";
import { psiWithEdges } from "./psi";

declare module "../../common/bus" {
  interface DomainEvents {
    "prediction.driftDetected": { kind: string; versionId: string; predictionPsi: number; maxFeaturePsi: number; driftedFeatures: string[]; threshold: number };
  }
}

/** PSI above this flags drift (the usual "significant shift" line). */
export const DEFAULT_DRIFT_THRESHOLD = 0.2;
/** At most this many profiles of the recent window are scored for a health check. */
const WINDOW_SAMPLE = 50_000;

/** Drift of one active model between its training snapshot and today's scoring population. */
export interface HealthReport {
  kind: string;
  modelVersionId: string;
  modelVersion: number;
  rocAuc: number | null;
  predictionPsi: number;
  features: { feature: string; psi: number }[];
  threshold: number;
  drifted: boolean;
  windowProfiles: number;
  checkedAt: Date;
}

/** Model health (PSI per feature and of the scores), drift alerts and retrain-if-better. */
export class DriftService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly predictions: PredictionsService,
    private readonly registry: ModelRegistry,
    private readonly bus: DomainBus,
    private readonly logger: Logger,
    private readonly now: () => Date,
    private readonly threshold = DEFAULT_DRIFT_THRESHOLD,
  ) {}

  /** PSI per feature and of the predictions; null when the kind has no active model. */
  async health(workspaceId: string, kind: PredictionKind): Promise<HealthReport | null> {
    const loaded = await this.predictions.activeModel(workspaceId, kind);
    if (!loaded) return null;
    const reference = loaded.reference;
    if (!reference) throw new Error(`${kind} v${loaded.version.version} has no training snapshot to compare with`);
    const features = await this.predictions.features(workspaceId, null);
    const vectors = [...features.values()].filter((f) => inPopulation(kind, f.aggregates, loaded.activeDays)).slice(0, WINDOW_SAMPLE).map((f) => f.vector);
    const rows = new Float32Array(vectors.length * FEATURES.length);
    vectors.forEach((v, i) => rows.set(v, i * FEATURES.length));
    const scores = await scoreRows(loaded.session, rows, vectors.length);
    const featurePsi = FEATURES.map((spec, j) => ({
      feature: spec.name,
      psi: vectors.length ? psiWithEdges(reference.features[j].edges, reference.features[j].shares, vectors.map((v) => v[j])).psi : 0,
    })).sort((a, b) => b.psi - a.psi);
    const predictionPsi = vectors.length ? psiWithEdges(reference.prediction.edges, reference.prediction.shares, scores).psi : 0;
    const drifted = vectors.length > 0 && (predictionPsi > this.threshold || featurePsi.some((f) => f.psi > this.threshold));
    const metrics = loaded.version.metrics as { rocAuc?: number };
    return {
      kind,
      modelVersionId: loaded.version.id,
      modelVersion: loaded.version.version,
      rocAuc: typeof metrics.rocAuc === "number" ? metrics.rocAuc : null,
      predictionPsi,
      features: featurePsi,
      threshold: this.threshold,
      drifted,
      windowProfiles: vectors.length,
      checkedAt: this.now(),
    };
  }

  /** Checks health and publishes `prediction.driftDetected` when drifted. */
  async check(workspaceId: string, kind: PredictionKind): Promise<HealthReport | null> {
    const report = await this.health(workspaceId, kind);
    if (report?.drifted) {
      const over = report.features.filter((f) => f.psi > report.threshold);
      this.bus.publish("prediction.driftDetected", {
        workspaceId,
        kind,
        versionId: report.modelVersionId,
        predictionPsi: report.predictionPsi,
        maxFeaturePsi: report.features[0]?.psi ?? 0,
        driftedFeatures: over.map((f) => f.feature).slice(0, 20),
        threshold: report.threshold,
      });
      this.logger.warn({ workspaceId, kind, predictionPsi: report.predictionPsi, features: over.length }, "prediction model drift detected");
    }
    return report;
  }

  /**
   * Activates a freshly staged version only if it evaluates at least as well as the active one on
   * the same rows: the latest labelled cutoff, which neither model's validation score was fit on.
   */
  async activateIfBetter(workspaceId: string, kind: PredictionKind, stagedId: string, by: string): Promise<{ activated: boolean; newRocAuc: number; oldRocAuc: number | null }> {
    const staged = await this.registry.get(workspaceId, stagedId);
    const newRocAuc = Number((staged.metrics as { rocAuc?: number }).rocAuc ?? NaN);
    const active = await this.predictions.activeModel(workspaceId, kind);
    if (!active) {
      await this.registry.activate(workspaceId, stagedId, by);
      return { activated: true, newRocAuc, oldRocAuc: null };
    }
    const params = readTrainingParams(staged.params);
    const cutoffs = trainingCutoffs(new Date(String(staged.params.asOf ?? this.now().toISOString())), params);
    const latest = await rowsAtCutoff(this.dataSource, workspaceId, kind, cutoffs[cutoffs.length - 1], params);
    const oldRocAuc = rocAuc(latest.x.map((r) => predictRow(active.model, r)), latest.y);
    const activated = Number.isFinite(newRocAuc) && (!Number.isFinite(oldRocAuc) || newRocAuc >= oldRocAuc);
    if (activated) await this.registry.activate(workspaceId, stagedId, by);
    return { activated, newRocAuc, oldRocAuc: Number.isFinite(oldRocAuc) ? oldRocAuc : null };
  }
}
