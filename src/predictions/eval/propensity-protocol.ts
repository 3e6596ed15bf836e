import { DAY_MS, PURCHASE_FEATURE_NAMES } from "../features/feature-set";
import { purchaseFeatures } from "../features/feature-vector";
import { blendModels, blendImportances, predictBlend } from "../training/blend";
import { predictGbdt, trainGbdt, type GbdtModel } from "../training/gbdt";
import { predictLogistic, trainLogistic } from "../training/logistic";
import { classifierMetrics, rocAuc, type ClassifierMetrics } from "../training/metrics";
import { ALGORITHMS, AUTO_MIN_GAIN, GBDT_DEFAULTS, LOGISTIC_L2, fitOne, predictRow } from "../training/fit";
import { loadOnlineRetail, type RetailInvoice } from "./online-retail";

/** Labelled rows for one or more cutoffs. */
export interface PropensityRows {
  x: number[][];
  y: number[];
  customers: string[];
}

export const TRAINING_CUTOFFS = ["2011-08-01", "2011-09-01", "2011-10-01"];
export const TEST_CUTOFF = "2011-11-01";
export const HORIZON_DAYS = 30;

/** Population at T: customers with a purchase before T; label: a purchase in [T, T + horizon). */
export function rowsAt(customers: Map<string, RetailInvoice[]>, cutoffIso: string, horizonDays = HORIZON_DAYS): PropensityRows {
  const cutoff = Date.parse(`${cutoffIso}T00:00:00Z`);
  const end = cutoff + horizonDays * DAY_MS;
  const rows: PropensityRows = { x: [], y: [], customers: [] };
  for (const [customer, invoices] of customers) {
    if (!invoices.some((i) => !i.refund && i.at < cutoff)) continue;
    // Features see only rows before T: the history is cut here, not inside the feature code alone.
    rows.x.push(purchaseFeatures(invoices.filter((i) => i.at < cutoff), cutoff));
    rows.y.push(invoices.some((i) => !i.refund && i.at >= cutoff && i.at < end) ? 1 : 0);
    rows.customers.push(customer);
  }
  return rows;
}

function stack(parts: PropensityRows[]): PropensityRows {
  return { x: parts.flatMap((p) => p.x), y: parts.flatMap((p) => p.y), customers: parts.flatMap((p) => p.customers) };
}

/**
 * Rolling forward validation inside the training window (labels end before the test cutoff): train on
 * two monthly cutoffs, validate on the next. Every setting (L2, GBDT options, the blend, the feature
 * set) was chosen on these folds; the test month only reports.
 */
export const VALIDATION_FOLDS: { train: string[]; validate: string }[] = [
  { train: ["2011-06-01", "2011-07-01"], validate: "2011-08-01" },
  { train: ["2011-07-01", "2011-08-01"], validate: "2011-09-01" },
  { train: ["2011-08-01", "2011-09-01"], validate: "2011-10-01" },
];
export const L2_GRID = [1e-3, 1e-2, 0.1, 1];

/**
 * GBDT whose tree count is chosen on the latest training cutoff (trained on the earlier ones),
 * then refit on all cutoffs: validation looks forward in time, as serving does.
 */
export function fitGbdt(parts: PropensityRows[], names: readonly string[]): GbdtModel {
  const all = stack(parts);
  if (parts.length < 2) return trainGbdt(all.x, all.y, [...names], { ...GBDT_DEFAULTS, trees: 150 });
  const earlier = stack(parts.slice(0, -1));
  const latest = parts[parts.length - 1];
  const probe = trainGbdt(earlier.x, earlier.y, [...names], { ...GBDT_DEFAULTS, trees: 800, validation: { x: latest.x, y: latest.y, patience: 60 } });
  return trainGbdt(all.x, all.y, [...names], { ...GBDT_DEFAULTS, trees: probe.trees.length });
}

/** Mean ROC-AUC per candidate over the validation folds (all inside the training window). */
export function validate(customers: Map<string, RetailInvoice[]>, names: readonly string[]): { selected: string; mean_roc_auc: Record<string, number> } & Record<string, unknown> {
  const cache = new Map<string, PropensityRows>();
  const at = (t: string) => cache.get(t) ?? cache.set(t, rowsAt(customers, t)).get(t)!;
  const scores: Record<string, number[]> = {};
  const add = (name: string, v: number) => (scores[name] ??= []).push(v);
  for (const fold of VALIDATION_FOLDS) {
    const train = stack(fold.train.map(at));
    const held = at(fold.validate);
    for (const algorithm of ALGORITHMS) {
      const model = fitOne(algorithm, train, [...names], undefined, held);
      add(algorithm, rocAuc(held.x.map((r) => predictRow(model, r)), held.y));
    }
    for (const l2 of L2_GRID) {
      const model = trainLogistic(train.x, train.y, [...names], { l2 });
      add(`logistic_l2_${l2}`, rocAuc(held.x.map((r) => predictLogistic(model, r)), held.y));
    }
  }
  const mean = (v: number[]) => round(v.reduce((a, b) => a + b, 0) / v.length);
  const means = Object.fromEntries(Object.entries(scores).map(([k, v]) => [k, mean(v)]));
  // The trainer's "auto" rule: the simplest unless a more complex one gains more than AUTO_MIN_GAIN.
  const selected = ALGORITHMS.reduce((a, b) => (means[b] > means[a] + AUTO_MIN_GAIN ? b : a));
  return {
    folds: VALIDATION_FOLDS,
    selected,
    mean_roc_auc: means,
    per_fold_roc_auc: Object.fromEntries(Object.entries(scores).map(([k, v]) => [k, v.map(round)])),
  };
}

/** Figures of one model in the eval JSON (snake_case keys, as EVALUATION.md reports them). */
export interface ModelFigures {
  roc_auc: number;
  pr_auc: number;
  brier: number | null;
  calibration?: ClassifierMetrics["calibration"];
  top_features?: Record<string, number>;
}

const round = (v: number) => Math.round(v * 1e4) / 1e4;

function figures(m: ClassifierMetrics, withBrier = true): ModelFigures {
  return {
    roc_auc: round(m.rocAuc),
    pr_auc: round(m.prAuc),
    brier: withBrier ? round(m.brier) : null,
    calibration: withBrier ? m.calibration.map((b) => ({ ...b, meanPredicted: round(b.meanPredicted), observedRate: round(b.observedRate) })) : undefined,
  };
}

function top(names: readonly string[], values: number[], k = 8): Record<string, number> {
  return Object.fromEntries(names.map((n, i) => [n, round(values[i])]).sort((a, b) => Math.abs(b[1] as number) - Math.abs(a[1] as number)).slice(0, k));
}

/** The propensity-online-retail protocol (EVALUATION.md): both trainers and the recency baseline on one split. */
export async function runPropensityProtocol(datasetDir: string, log: (line: string) => void = () => undefined, options: { skipValidation?: boolean } = {}): Promise<Record<string, unknown>> {
  const customers = await loadOnlineRetail(datasetDir);
  log(`loaded ${customers.size} customers`);
  const parts = TRAINING_CUTOFFS.map((t) => rowsAt(customers, t));
  const train = stack(parts);
  const test = rowsAt(customers, TEST_CUTOFF);
  const names = PURCHASE_FEATURE_NAMES;
  const gbdt = fitGbdt(parts, names);
  const logistic = trainLogistic(train.x, train.y, [...names], { l2: LOGISTIC_L2 });
  const blend = blendModels(gbdt, logistic);
  const recency = names.indexOf("recency_days");
  const gbdtMetrics = classifierMetrics(test.x.map((r) => predictGbdt(gbdt, r)), test.y);
  const lrMetrics = classifierMetrics(test.x.map((r) => predictLogistic(logistic, r)), test.y);
  const blendMetrics = classifierMetrics(test.x.map((r) => predictBlend(blend, r)), test.y);
  // Recency alone is a ranking, not a probability: it has ROC-AUC and PR-AUC but no Brier score.
  const baseline = classifierMetrics(test.x.map((r) => -r[recency]), test.y);
  for (const [name, m] of [["gbdt", gbdtMetrics], ["logistic", lrMetrics], ["blend", blendMetrics]] as const) {
    log(`${name}: ROC-AUC ${m.rocAuc.toFixed(4)}  PR-AUC ${m.prAuc.toFixed(4)}  Brier ${m.brier.toFixed(4)}`);
    for (const b of m.calibration) if (b.count) log(`  [${b.from.toFixed(1)}, ${b.to.toFixed(1)})  n=${String(b.count).padStart(4)}  predicted ${b.meanPredicted.toFixed(3)}  observed ${b.observedRate.toFixed(3)}`);
  }
  log(`recency baseline: ROC-AUC ${baseline.rocAuc.toFixed(4)}  PR-AUC ${baseline.prAuc.toFixed(4)}`);
  const validation = options.skipValidation ? null : validate(customers, names);
  if (validation) log(`validation (inside the training window): ${JSON.stringify(validation.mean_roc_auc)}`);
  const trainers = { gbdt: gbdtMetrics, logistic: lrMetrics, blend: blendMetrics };
  const better = (Object.keys(trainers) as (keyof typeof trainers)[]).reduce((a, b) => (trainers[b].rocAuc > trainers[a].rocAuc ? b : a));
  return {
    training_cutoffs: TRAINING_CUTOFFS,
    test_cutoff: TEST_CUTOFF,
    horizon_days: HORIZON_DAYS,
    train_rows: train.y.length,
    test_rows: test.y.length,
    test_positive_rate: round(test.y.reduce((a, b) => a + b, 0) / test.y.length),
    features: names.length,
    gbdt: { ...figures(gbdtMetrics), trees: gbdt.trees.length, top_features: top(names, gbdt.importances) },
    logistic: { ...figures(lrMetrics), l2: LOGISTIC_L2, top_features: top(names, logistic.weights) },
    blend: { ...figures(blendMetrics), gbdt_weight: blend.gbdtWeight, top_features: top(names, blendImportances(blend)) },
    baseline: { name: "recency", ...figures(baseline, false) },
    baseline_roc_auc: round(baseline.rocAuc),
    best_trainer: better,
    best_roc_auc: round(trainers[better].rocAuc),
    // What the validation folds (not the test month) would deploy, and its test figure.
    selected_by_validation: validation ? { trainer: validation.selected, roc_auc: round(trainers[validation.selected as keyof typeof trainers].rocAuc) } : null,
    validation,
  };
}
