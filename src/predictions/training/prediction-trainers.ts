import type { DataSource } from "typeorm";
import type { ProblemCollector } from "../../common/errors";
import type { TrainerDefinition, TrainerContext } from "../../models/trainers";
import { DAY_MS, FEATURE_NAMES } from "../features/feature-set";
import { loadAggregates } from "../features/feature-sql";
import { featureVector } from "../features/feature-vector";
import { ALGORITHMS, fitAndEvaluate, type Algorithm, type LabelledRows } from "./fit";
import { exportModel } from "./onnx-export";
import { CHURN_RISK, DEFAULT_TRAINING_PARAMS, PURCHASE_PROPENSITY, inPopulation, labelFor, type PredictionKind, type PredictionTrainingParams } from "./prediction-kinds";

/** Validates and completes training params; every problem is reported with its path. */
export function readTrainingParams(params: Record<string, unknown>, problems?: ProblemCollector, path = "params"): PredictionTrainingParams {
  const out = { ...DEFAULT_TRAINING_PARAMS };
  const int = (name: "horizonDays" | "cutoffs" | "cutoffSpacingDays" | "activeDays", min: number, max: number) => {
    const v = params[name];
    if (v === undefined || v === null) return;
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) problems?.add(`${path}.${name}`, `must be an integer from ${min} to ${max}`);
    else out[name] = v;
  };
  int("horizonDays", 1, 365);
  int("cutoffs", 1, 12);
  int("cutoffSpacingDays", 1, 365);
  int("activeDays", 1, 730);
  const algorithm = params.algorithm;
  if (algorithm !== undefined && algorithm !== null) {
    if (algorithm !== "auto" && !ALGORITHMS.includes(algorithm as Algorithm)) problems?.add(`${path}.algorithm`, `must be one of auto, ${ALGORITHMS.join(", ")}`);
    else out.algorithm = algorithm as PredictionTrainingParams["algorithm"];
  }
  const asOf = params.asOf;
  if (asOf !== undefined && asOf !== null) {
    if (typeof asOf !== "string" || Number.isNaN(Date.parse(asOf))) problems?.add(`${path}.asOf`, "must be an ISO-8601 date-time");
    else out.asOf = new Date(asOf).toISOString();
  }
  return out;
}

/** Profiles with a purchase in [from, to). */
async function purchasersBetween(db: DataSource, workspaceId: string, from: Date, to: Date): Promise<Set<string>> {
  const rows: { profile_id: string }[] = await db.query(
    `SELECT DISTINCT profile_id FROM events WHERE workspace_id = $1 AND type = 'purchase' AND occurred_at >= $2 AND occurred_at < $3`,
    [workspaceId, from.toISOString(), to.toISOString()],
  );
  return new Set(rows.map((r) => r.profile_id));
}

/** Labelled rows at cutoff T: features from events before T (one SQL definition), labels from [T, T + horizon). */
export async function rowsAtCutoff(db: DataSource, workspaceId: string, kind: PredictionKind, cutoff: Date, p: PredictionTrainingParams): Promise<LabelledRows> {
  const aggregates = await loadAggregates(db, workspaceId, cutoff, null);
  const bought = await purchasersBetween(db, workspaceId, cutoff, new Date(cutoff.getTime() + p.horizonDays * DAY_MS));
  const rows: LabelledRows = { x: [], y: [] };
  for (const [profileId, a] of aggregates) {
    if (!inPopulation(kind, a, p.activeDays)) continue;
    rows.x.push(featureVector(a));
    rows.y.push(labelFor(kind, bought.has(profileId)));
  }
  return rows;
}

/** Training cutoffs, oldest first; the latest leaves a full horizon of labels before asOf. */
export function trainingCutoffs(asOf: Date, p: PredictionTrainingParams): Date[] {
  return Array.from({ length: p.cutoffs }, (_, k) => new Date(asOf.getTime() - (p.horizonDays + (p.cutoffs - 1 - k) * p.cutoffSpacingDays) * DAY_MS));
}

function trainer(kind: PredictionKind, description: string): TrainerDefinition {
  return {
    kind,
    description,
    validateParams: (params, problems, path) => void readTrainingParams(params, problems, path),
    async train(ctx: TrainerContext) {
      const p = readTrainingParams(ctx.params);
      const asOf = p.asOf ? new Date(p.asOf) : ctx.now;
      const cutoffs = trainingCutoffs(asOf, p);
      const parts: LabelledRows[] = [];
      for (const [i, cutoff] of cutoffs.entries()) {
        if (ctx.signal.aborted) throw new Error("cancelled");
        parts.push(await rowsAtCutoff(ctx.dataSource, ctx.workspaceId, kind, cutoff, p));
        await ctx.progress(0.1 + (0.5 * (i + 1)) / cutoffs.length, `features as of ${cutoff.toISOString().slice(0, 10)}`);
      }
      const recency = FEATURE_NAMES.indexOf("recency_days");
      const fit = fitAndEvaluate(parts, [...FEATURE_NAMES], p.algorithm, { feature: recency, sign: kind === PURCHASE_PROPENSITY ? -1 : 1 });
      await ctx.progress(0.9, `trained ${fit.algorithm}`);
      const positives = parts.reduce((s, part) => s + part.y.reduce((a, b) => a + b, 0), 0);
      return {
        params: { ...p, asOf: asOf.toISOString(), algorithm: fit.algorithm, requestedAlgorithm: p.algorithm, features: FEATURE_NAMES, model: fit.model, reference: fit.reference },
        onnx: exportModel(fit.model),
        metrics: fit.metrics as unknown as Record<string, unknown>,
        trainingWindow: { start: null, end: cutoffs[cutoffs.length - 1] },
        dataCounts: { rows: fit.rows, positives, cutoffs: cutoffs.length },
      };
    },
  };
}

export const propensityTrainer = trainer(PURCHASE_PROPENSITY, "P(purchase within horizonDays), GBDT, logistic regression or their log-odds blend on the documented feature set");
export const churnTrainer = trainer(CHURN_RISK, "P(no purchase within horizonDays) among profiles with a purchase in the last activeDays");
