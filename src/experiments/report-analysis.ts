// Pure analysis of per-arm aggregates (as SQL returns them): rates, revenue per recipient,
// comparisons against the control and the holdout, Holm-adjusted and optionally always-valid.
import { ExperimentMetric } from "./experiment.entity";
import { chanceToBeatControl } from "./stats/bayes";
import { holmAdjust, sampleRatioMismatch, type SrmResult } from "./stats/checks";
import { meanFromSums, twoProportionZTest, welchTTest, type Comparison } from "./stats/frequentist";
import { msprt } from "./stats/sequential";

/** Counts of one arm from the aggregate query. */
export interface ArmAggregate {
  key: string;
  sends: number;
  opens: number;
  machineOpens: number;
  clicks: number;
  conversions: number;
  revenue: number;
  /** Σ (revenue per recipient)², for the variance of revenue per recipient. */
  revenueSquares: number;
}

/** Rates and means of one arm. */
export interface ArmMetrics extends ArmAggregate {
  control: boolean;
  holdout: boolean;
  openRate: number;
  clickRate: number;
  clickToOpenRate: number;
  conversionRate: number;
  revenuePerRecipient: number;
}

/** One metric of one arm against a baseline arm. */
export interface MetricComparison extends Comparison {
  metric: ExperimentMetric;
  baselineKey: string;
  /** Holm-adjusted over the arms compared with the same baseline on the same metric. */
  adjustedPValue: number;
  /** Always-valid mSPRT p-value (Holm-adjusted), when the experiment is sequential. */
  sequentialPValue: number | null;
  /** Bayesian P(arm beats baseline), for rates. */
  chanceToBeat: number | null;
  significant: boolean;
}

/** An arm with its comparisons. */
export interface ArmResult {
  metrics: ArmMetrics;
  vsControl: MetricComparison[];
  vsHoldout: MetricComparison[];
}

/** How the arms were planned and what decides. */
export interface AnalysisConfig {
  controlKey: string | null;
  holdoutKey: string | null;
  /** Planned share per arm key (for the sample-ratio check); null when not an experiment. */
  plannedShares: Record<string, number> | null;
  alpha: number;
  sequential: boolean;
  primaryMetric: ExperimentMetric;
}

export interface Analysis {
  arms: ArmResult[];
  srm: (SrmResult & { observed: number[]; keys: string[] }) | null;
}

const RATE_METRICS = [ExperimentMetric.OPEN_RATE, ExperimentMetric.CLICK_RATE, ExperimentMetric.CONVERSION_RATE] as const;
export const ALL_METRICS = [...RATE_METRICS, ExperimentMetric.REVENUE_PER_RECIPIENT];

const ratio = (a: number, b: number): number => (b > 0 ? a / b : 0);

/** Rates and revenue per recipient of one arm. */
export function armMetrics(a: ArmAggregate, config: Pick<AnalysisConfig, "controlKey" | "holdoutKey">): ArmMetrics {
  return {
    ...a,
    control: a.key === config.controlKey,
    holdout: a.key === config.holdoutKey,
    openRate: ratio(a.opens, a.sends),
    clickRate: ratio(a.clicks, a.sends),
    clickToOpenRate: ratio(a.clicks, a.opens),
    conversionRate: ratio(a.conversions, a.sends),
    revenuePerRecipient: ratio(a.revenue, a.sends),
  };
}

function successes(a: ArmAggregate, metric: ExperimentMetric): number {
  if (metric === ExperimentMetric.OPEN_RATE) return a.opens;
  if (metric === ExperimentMetric.CLICK_RATE) return a.clicks;
  return a.conversions;
}

// One comparison before multiple-testing adjustment.
function compare(base: ArmAggregate, arm: ArmAggregate, metric: ExperimentMetric, config: AnalysisConfig): Omit<MetricComparison, "adjustedPValue" | "significant"> {
  const confidence = 1 - config.alpha;
  let comparison: Comparison;
  let chance: number | null = null;
  let se: number;
  if (metric === ExperimentMetric.REVENUE_PER_RECIPIENT) {
    const a = meanFromSums(base.sends, base.revenue, base.revenueSquares);
    const b = meanFromSums(arm.sends, arm.revenue, arm.revenueSquares);
    comparison = welchTTest(a, b, confidence);
    se = Math.sqrt((a.sd * a.sd) / Math.max(1, a.n) + (b.sd * b.sd) / Math.max(1, b.n));
  } else {
    const a = { successes: successes(base, metric), trials: base.sends };
    const b = { successes: successes(arm, metric), trials: arm.sends };
    comparison = twoProportionZTest(a, b, confidence);
    chance = chanceToBeatControl(a, b);
    se = Math.sqrt((comparison.control * (1 - comparison.control)) / a.trials + (comparison.variant * (1 - comparison.variant)) / b.trials);
  }
  // mSPRT mixing scale: effects of about 10% of the baseline's level are what we look for.
  const tau = Math.max(Math.abs(comparison.control) * 0.1, 1e-9);
  const sequentialPValue = config.sequential ? msprt(comparison.difference, se, tau, config.alpha).pValue : null;
  return { ...comparison, metric, baselineKey: base.key, sequentialPValue, chanceToBeat: chance };
}

// Compares each arm with the baseline on every metric, Holm-adjusting within each metric.
function compareAll(base: ArmAggregate, arms: ArmAggregate[], config: AnalysisConfig): Map<string, MetricComparison[]> {
  const result = new Map<string, MetricComparison[]>(arms.map((a) => [a.key, []]));
  if (base.sends < 2) return result;
  for (const metric of ALL_METRICS) {
    const raw = arms.filter((a) => a.sends >= 2).map((a) => ({ key: a.key, c: compare(base, a, metric, config) }));
    const adjusted = holmAdjust(raw.map((r) => r.c.pValue));
    const adjustedSequential = config.sequential ? holmAdjust(raw.map((r) => r.c.sequentialPValue ?? 1)) : null;
    raw.forEach((r, i) => {
      const decisive = adjustedSequential ? adjustedSequential[i] : adjusted[i];
      result.get(r.key)!.push({ ...r.c, adjustedPValue: adjusted[i], sequentialPValue: adjustedSequential ? adjustedSequential[i] : null, significant: decisive < config.alpha });
    });
  }
  return result;
}

/** Full analysis: metrics per arm, comparisons vs control and vs holdout, sample-ratio check. */
export function analyze(aggregates: ArmAggregate[], config: AnalysisConfig): Analysis {
  const control = aggregates.find((a) => a.key === config.controlKey);
  const holdout = aggregates.find((a) => a.key === config.holdoutKey);
  const vsControl = control ? compareAll(control, aggregates.filter((a) => a !== control && a !== holdout), config) : new Map();
  // Against the holdout: every treated arm (the control included) — the lift of personalization.
  const vsHoldout = holdout ? compareAll(holdout, aggregates.filter((a) => a !== holdout), config) : new Map();
  const arms = aggregates.map((a) => ({ metrics: armMetrics(a, config), vsControl: vsControl.get(a.key) ?? [], vsHoldout: vsHoldout.get(a.key) ?? [] }));
  let srm: Analysis["srm"] = null;
  if (config.plannedShares) {
    const keys = Object.keys(config.plannedShares).filter((k) => config.plannedShares![k] > 0);
    const observed = keys.map((k) => aggregates.find((a) => a.key === k)?.sends ?? 0);
    if (keys.length > 1 && observed.some((o) => o > 0)) srm = { ...sampleRatioMismatch(observed, keys.map((k) => config.plannedShares![k])), observed, keys };
  }
  return { arms, srm };
}

/** Planned share of each arm (holdout first, the rest split by weight). */
export function plannedShares(variants: { key: string; weight: number }[], holdoutShare: number, holdoutKey: string): Record<string, number> {
  const total = variants.reduce((s, v) => s + v.weight, 0);
  const shares: Record<string, number> = {};
  for (const v of variants) shares[v.key] = ((1 - holdoutShare) * v.weight) / total;
  if (holdoutShare > 0) shares[holdoutKey] = holdoutShare;
  return shares;
}
