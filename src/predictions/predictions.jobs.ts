import type { DataSource } from "typeorm";
import type { JobContext } from "../common/jobs";
import type { ModelRegistry } from "../models/model-registry";
import type { TrainerDefinition } from "../models/trainers";
import type { DriftService } from "./drift/drift.service";
import type { PredictionsService } from "./predictions.service";
import { COMPUTED_KEY, PREDICTION_KINDS, type PredictionKind } from "./training/prediction-kinds";

export const SCORE_JOB = "predictions.score";
export const DRIFT_JOB = "predictions.drift";
export const REFRESH_JOB = "predictions.refresh";
const CHUNK = 2000;

/**
 * Batch scoring: every live profile, in id order, in chunks (one ONNX run per model per chunk);
 * latest scores go to profiles.computed (purchase_propensity, churn_risk) for segments and templates.
 * Profiles without profiling consent or outside a model's population lose the key. Re-runs are idempotent.
 */
export async function scoreWorkspace(dataSource: DataSource, predictions: PredictionsService, ctx: Pick<JobContext, "workspaceId" | "progress" | "signal">): Promise<{ profiles: number; scored: Record<string, number> }> {
  const workspaceId = ctx.workspaceId!;
  const [{ total }] = await dataSource.query(`SELECT COUNT(*)::int AS total FROM profiles WHERE workspace_id = $1 AND merged_into_id IS NULL`, [workspaceId]);
  const scored: Record<string, number> = Object.fromEntries(PREDICTION_KINDS.map((k) => [COMPUTED_KEY[k], 0]));
  let after = "00000000-0000-0000-0000-000000000000";
  let done = 0;
  for (;;) {
    if (ctx.signal.aborted) throw new Error("cancelled");
    const ids: string[] = (
      await dataSource.query(`SELECT id FROM profiles WHERE workspace_id = $1 AND merged_into_id IS NULL AND id > $2 ORDER BY id LIMIT ${CHUNK}`, [workspaceId, after])
    ).map((r: { id: string }) => r.id);
    if (ids.length === 0) break;
    // Fresh: a whole workspace neither reads nor fills the serving cache.
    const results = await predictions.predict(workspaceId, ids, { fresh: true });
    const values = ids.map((id) => {
      const r = results.get(id)!;
      const patch: Record<string, number> = {};
      if (r.purchasePropensity !== null) patch[COMPUTED_KEY.PURCHASE_PROPENSITY] = r.purchasePropensity;
      if (r.churnRisk !== null) patch[COMPUTED_KEY.CHURN_RISK] = r.churnRisk;
      for (const key of Object.keys(patch)) scored[key]++;
      return JSON.stringify(patch);
    });
    await dataSource.query(
      `UPDATE profiles p SET computed = (p.computed - $3::text[]) || v.patch
       FROM unnest($2::uuid[], $4::jsonb[]) AS v(id, patch)
       WHERE p.workspace_id = $1 AND p.id = v.id`,
      [workspaceId, ids, Object.values(COMPUTED_KEY), values],
    );
    done += ids.length;
    after = ids[ids.length - 1];
    await ctx.progress(Math.min(0.99, done / Math.max(1, total)), `${done} of ${total} profiles`);
  }
  return { profiles: done, scored };
}

/** Params of a drift check. */
export interface DriftJobParams {
  kind: PredictionKind;
  retrain: boolean;
  by: string;
}

/** Checks drift; on drift with `retrain`, trains a new version and activates it only if at least as good. */
export async function driftJob(
  deps: { dataSource: DataSource; drift: DriftService; registry: ModelRegistry; trainers: Record<string, TrainerDefinition>; now: () => Date; logger: import("../common/logger").Logger },
  ctx: JobContext<DriftJobParams>,
): Promise<Record<string, unknown>> {
  const workspaceId = ctx.workspaceId!;
  const report = await deps.drift.check(workspaceId, ctx.params.kind);
  if (!report) return { kind: ctx.params.kind, checked: false, reason: "no active model" };
  const summary = { kind: report.kind, drifted: report.drifted, predictionPsi: report.predictionPsi, topFeatures: report.features.slice(0, 5) };
  if (!report.drifted || !ctx.params.retrain) return summary;
  await ctx.progress(0.3, "retraining");
  const active = await deps.registry.get(workspaceId, report.modelVersionId);
  const trainer = deps.trainers[ctx.params.kind];
  const params = { ...active.params, asOf: null, model: undefined, reference: undefined, features: undefined };
  const trained = await trainer.train({ workspaceId, params: cleanParams(params), dataSource: deps.dataSource, logger: deps.logger, now: deps.now(), progress: (s, m) => ctx.progress(0.3 + s * 0.5, m), signal: ctx.signal });
  const staged = await deps.registry.stage({ ...trained, workspaceId, kind: ctx.params.kind, jobId: ctx.jobId });
  const outcome = await deps.drift.activateIfBetter(workspaceId, ctx.params.kind, staged.id, ctx.params.by);
  return { ...summary, retrained: { versionId: staged.id, version: staged.version, ...outcome } };
}

// Only the training knobs carry over to a retrain (the chosen algorithm becomes the request).
function cleanParams(params: Record<string, unknown>): Record<string, unknown> {
  const keep = ["horizonDays", "cutoffs", "cutoffSpacingDays", "activeDays"];
  const out: Record<string, unknown> = Object.fromEntries(keep.filter((k) => params[k] !== undefined).map((k) => [k, params[k]]));
  out.algorithm = params.requestedAlgorithm ?? "auto";
  return out;
}

/**
 * The scheduled refresh (KINDRED_PREDICTIONS_REFRESH_CRON): for every workspace with an active
 * prediction model, queue batch scoring and a drift check that retrains on drift.
 */
export async function refreshAll(dataSource: DataSource, enqueue: (kind: string, workspaceId: string, params: unknown) => Promise<string>): Promise<{ workspaces: number; checks: number }> {
  const rows: { workspace_id: string; kind: PredictionKind }[] = await dataSource.query(
    `SELECT DISTINCT workspace_id, kind FROM model_versions WHERE status = 'active' AND kind = ANY($1)`,
    [PREDICTION_KINDS],
  );
  const workspaces = [...new Set(rows.map((r) => r.workspace_id))];
  for (const ws of workspaces) await enqueue(SCORE_JOB, ws, {});
  for (const r of rows) await enqueue(DRIFT_JOB, r.workspace_id, { kind: r.kind, retrain: true, by: "schedule" } satisfies DriftJobParams);
  return { workspaces: workspaces.length, checks: rows.length };
}
