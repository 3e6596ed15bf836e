import DataLoader from "dataloader";
import * as ort from "onnxruntime-node";
import type { DataSource } from "typeorm";
import type { ModelRegistry } from "../models/model-registry";
import type { ModelVersion } from "../models/model-version.entity";
import type { ConsentService } from "../privacy/consent.service";
import { FEATURES } from "./features/feature-set";
import { loadAggregates } from "./features/feature-sql";
import { featureVector, type ProfileAggregates } from "./features/feature-vector";
import type { SendTimeService, BestSendTime } from "./sendtime/send-time.service";
import { predictionBatchSize, predictionCache } from "./serving/prediction-metrics";
import { PredictionCache } from "./serving/prediction-cache";
import { contributions, type PredictionModel, type ReferenceBins } from "./training/fit";
import { PREDICTION_INPUT, PREDICTION_OUTPUT } from "./training/onnx-export";
import { CHURN_RISK, PREDICTION_KINDS, PURCHASE_PROPENSITY, inPopulation, type PredictionKind } from "./training/prediction-kinds";

/** One feature's push on a score: its value and its log-odds contribution. */
export interface FeatureContribution {
  feature: string;
  value: number;
  contribution: number;
}

/** One model's answer for one profile, with what produced it. */
export interface ScoreDetail {
  kind: PredictionKind;
  score: number;
  modelVersionId: string;
  modelVersion: number;
  algorithm: string;
  horizonDays: number;
  why: FeatureContribution[];
}

/** Everything Kindred predicts about one profile (or why it does not). */
export interface ProfilePredictionResult {
  profileId: string;
  available: boolean;
  /** Why there is no prediction at all (consent) or why a part is missing (no active model, not in population). */
  reasons: string[];
  purchasePropensity: number | null;
  churnRisk: number | null;
  scores: ScoreDetail[];
  bestSendTime: BestSendTime | null;
}

/** A computed answer, and whether it is about a live profile with profiling consent (only those are cached). */
interface Computed {
  result: ProfilePredictionResult;
  live: boolean;
}

/** A loaded prediction model version: its parsed params and ONNX session. */
export interface LoadedModel {
  version: ModelVersion;
  model: PredictionModel;
  horizonDays: number;
  activeDays: number;
  algorithm: string;
  reference: { features: ReferenceBins[]; prediction: ReferenceBins } | null;
  session: ort.InferenceSession;
}

export const NO_CONSENT_REASON = "No prediction: the profile has not consented to profiling (consent purpose PROFILING is denied or revoked).";
const WHY_COUNT = 3;
/** Batches computed at once: while they run (SQL in flight), later requests gather into the next batch. */
const MAX_BATCHES_IN_FLIGHT = 2;

/** Scores feature rows (FEATURES order) through one ONNX run. */
export async function scoreRows(session: ort.InferenceSession, rows: Float32Array, count: number): Promise<Float32Array> {
  if (count === 0) return new Float32Array(0);
  const out = await session.run({ [PREDICTION_INPUT]: new ort.Tensor("float32", rows, [count, FEATURES.length]) });
  return out[PREDICTION_OUTPUT].data as Float32Array;
}

/** Top contributions by magnitude (the "why"). */
export function topContributions(model: PredictionModel, row: number[], k = WHY_COUNT): FeatureContribution[] {
  return contributions(model, row)
    .map((c, j) => ({ feature: FEATURES[j].name, value: Math.round(row[j] * 1e4) / 1e4, contribution: Math.round(c * 1e4) / 1e4 }))
    .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution))
    .slice(0, k);
}

/**
 * Predictions per profile: consent check, features as of now (the training SQL), one ONNX run per
 * model per batch, the "why", and the best send time. Answers are kept per profile (see
 * PredictionCache) and returned before any batching; the rest of concurrent requests gather into
 * one batch per event-loop turn (a per-workspace DataLoader), more while earlier batches run.
 */
export class PredictionsService {
  readonly cache = new PredictionCache<ProfilePredictionResult>();
  private readonly loaded = new Map<string, Promise<LoadedModel>>();
  private readonly batchers = new Map<string, DataLoader<string, Computed>>();
  /** Computations under way per workspace|profile, so concurrent misses of one profile share one. */
  private readonly pending = new Map<string, Promise<ProfilePredictionResult>>();
  private batchesInFlight = 0;
  private readonly waitingBatches: (() => void)[] = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: ModelRegistry,
    private readonly consent: ConsentService,
    private readonly sendTime: SendTimeService,
    private readonly now: () => Date,
  ) {}

  /**
   * Predictions for a batch of profiles of one workspace, keyed by profile id. `fresh` computes
   * everything anew and keeps nothing (batch scoring of a whole workspace).
   */
  async predict(workspaceId: string, profileIds: readonly string[], options: { fresh?: boolean } = {}): Promise<Map<string, ProfilePredictionResult>> {
    const ids = [...new Set(profileIds)];
    if (options.fresh) {
      const results = await this.predictBatch(workspaceId, ids);
      return new Map(ids.map((id, i) => [id, results[i].result]));
    }
    const now = this.now().getTime();
    const out = new Map<string, ProfilePredictionResult>();
    const waits: Promise<void>[] = [];
    for (const id of ids) {
      const hit = this.cache.get(workspaceId, id, now);
      if (hit) {
        predictionCache.inc({ outcome: "hit" });
        out.set(id, hit);
        continue;
      }
      predictionCache.inc({ outcome: "miss" });
      out.set(id, undefined as unknown as ProfilePredictionResult); // keeps key order
      waits.push(this.compute(workspaceId, id).then((r) => void out.set(id, r)));
    }
    if (waits.length) await Promise.all(waits);
    return out;
  }

  /** A profile's events, traits, consent or merge changed: its next answer is computed anew. */
  invalidateProfile(workspaceId: string, profileId: string): void {
    this.cache.invalidate(workspaceId, profileId);
    // A computation under way may have read before the change: later requests start a new one.
    this.pending.delete(`${workspaceId}|${profileId}`);
  }

  /** A model was activated: every answer of the workspace names the old version. */
  invalidateWorkspace(workspaceId: string): void {
    this.cache.invalidateWorkspace(workspaceId);
    for (const key of this.pending.keys()) if (key.startsWith(`${workspaceId}|`)) this.pending.delete(key);
  }

  private compute(workspaceId: string, profileId: string): Promise<ProfilePredictionResult> {
    const key = `${workspaceId}|${profileId}`;
    const running = this.pending.get(key);
    if (running) return running;
    const started = this.cache.begin();
    const promise: Promise<ProfilePredictionResult> = this.batcher(workspaceId)
      .load(profileId)
      .then(({ result, live }) => {
        // Only live, consenting profiles are kept: unknown and merged ids, and consent denials (which
        // a merged id would inherit from a survivor whose changes name only the survivor), are asked again.
        if (live) this.cache.set(workspaceId, profileId, result, started, this.now().getTime());
        return result;
      })
      .finally(() => {
        if (this.pending.get(key) === promise) this.pending.delete(key);
      });
    this.pending.set(key, promise);
    return promise;
  }

  private batcher(workspaceId: string): DataLoader<string, Computed> {
    let batcher = this.batchers.get(workspaceId);
    if (!batcher) {
      batcher = new DataLoader((ids: readonly string[]) => this.predictBatch(workspaceId, ids).finally(() => this.batchDone()), {
        cache: false,
        maxBatchSize: 2000,
        batchScheduleFn: (dispatch) => this.scheduleBatch(dispatch),
      });
      this.batchers.set(workspaceId, batcher);
    }
    return batcher;
  }

  private scheduleBatch(dispatch: () => void): void {
    if (this.batchesInFlight >= MAX_BATCHES_IN_FLIGHT) return void this.waitingBatches.push(dispatch);
    this.batchesInFlight++;
    setImmediate(dispatch);
  }

  private batchDone(): void {
    this.batchesInFlight--;
    const next = this.waitingBatches.shift();
    if (next) this.scheduleBatch(next);
  }

  /** The active model of a kind with its session, or null. */
  async activeModel(workspaceId: string, kind: PredictionKind): Promise<LoadedModel | null> {
    const version = await this.registry.active(workspaceId, kind);
    if (!version) return null;
    let hit = this.loaded.get(version.id);
    if (!hit) {
      hit = this.registry.session(version).then((session) => {
        const params = version.params as Record<string, unknown>;
        if (!params.model || !Array.isArray(params.features) || params.features.length !== FEATURES.length) {
          throw new Error(`${kind} v${version.version} was not trained on Kindred's feature set`);
        }
        return {
          version,
          model: params.model as PredictionModel,
          horizonDays: Number(params.horizonDays ?? 30),
          activeDays: Number(params.activeDays ?? 90),
          algorithm: String(params.algorithm ?? "unknown"),
          reference: (params.reference as LoadedModel["reference"]) ?? null,
          session,
        };
      });
      this.loaded.set(version.id, hit);
      hit.catch(() => this.loaded.delete(version.id));
    }
    return hit;
  }

  /** Feature vectors as of `at` for a batch (the same SQL training uses; `consentedOnly`: see loadAggregates). */
  async features(workspaceId: string, profileIds: readonly string[] | null, at: Date = this.now(), options: { consentedOnly?: boolean } = {}): Promise<Map<string, { aggregates: ProfileAggregates; vector: number[] }>> {
    const aggregates = await loadAggregates(this.dataSource, workspaceId, at, profileIds ? [...profileIds] : null, options);
    return new Map([...aggregates].map(([id, a]) => [id, { aggregates: a, vector: featureVector(a) }]));
  }

  private async predictBatch(workspaceId: string, ids: readonly string[]): Promise<Computed[]> {
    predictionBatchSize.observe(ids.length);
    // One round trip: the consent service decides; the feature and send-time SQL skip, in parallel,
    // anyone whose profiling consent is denied, so nothing is computed from a person who said no.
    const [allowed, consentedFeatures, sendTimes, models] = await Promise.all([
      this.consent.allowed(workspaceId, ids, "profiling"),
      this.features(workspaceId, ids, this.now(), { consentedOnly: true }),
      this.sendTime.estimate(workspaceId, ids, { consentedOnly: true }),
      Promise.all(PREDICTION_KINDS.map((kind) => this.activeModel(workspaceId, kind))),
    ]);
    const permitted = ids.filter((id) => allowed.get(id));
    // A consent change between the queries: only profiles both sides allow are scored.
    const features = new Map(permitted.filter((id) => consentedFeatures.has(id)).map((id) => [id, consentedFeatures.get(id)!]));
    const results = new Map<string, ProfilePredictionResult>(
      ids.map((id) => {
        const ok = allowed.get(id) === true;
        return [id, { profileId: id, available: ok, reasons: ok ? [] : [NO_CONSENT_REASON], purchasePropensity: null, churnRisk: null, scores: [], bestSendTime: ok ? (sendTimes.get(id) ?? null) : null }];
      }),
    );
    for (const [k, kind] of PREDICTION_KINDS.entries()) {
      const loaded = models[k];
      if (!loaded) {
        for (const id of permitted) results.get(id)!.reasons.push(`No active ${kind} model: train one with trainModel(kind: "${kind}") and activate it.`);
        continue;
      }
      const members = permitted.filter((id) => features.has(id) && inPopulation(kind, features.get(id)!.aggregates, loaded.activeDays));
      const memberSet = new Set(members);
      for (const id of permitted) {
        if (!memberSet.has(id)) results.get(id)!.reasons.push(kind === PURCHASE_PROPENSITY ? "No purchase propensity: the profile has no purchase yet." : `No churn risk: the profile has no purchase in the last ${loaded.activeDays} days.`);
      }
      const rows = new Float32Array(members.length * FEATURES.length);
      members.forEach((id, i) => rows.set(features.get(id)!.vector, i * FEATURES.length));
      const scores = await scoreRows(loaded.session, rows, members.length);
      members.forEach((id, i) => {
        const result = results.get(id)!;
        const score = scores[i];
        if (kind === PURCHASE_PROPENSITY) result.purchasePropensity = score;
        if (kind === CHURN_RISK) result.churnRisk = score;
        result.scores.push({
          kind,
          score,
          modelVersionId: loaded.version.id,
          modelVersion: loaded.version.version,
          algorithm: loaded.algorithm,
          horizonDays: loaded.horizonDays,
          why: topContributions(loaded.model, features.get(id)!.vector),
        });
      });
    }
    return ids.map((id) => ({ result: results.get(id)!, live: features.has(id) }));
  }
}
