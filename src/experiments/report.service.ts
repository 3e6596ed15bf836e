import type { DataSource } from "typeorm";
import { assertUuid } from "../common/validation";
import type { WorkspaceScope } from "../db/workspace-scope";
import { campaignOf } from "./campaign.service";
import { Experiment, ExperimentMetric, ExperimentStatus, HOLDOUT_KEY } from "./experiment.entity";
import { analyze, plannedShares, type AnalysisConfig, type ArmAggregate, type ArmResult } from "./report-analysis";
import { armsSql, reportParams, segmentArmsSql, type AggregateRow, type ReportScope } from "./report.sql";
import type { ArmReport, BanditArm, CampaignReport, ExperimentResults, LiftStat, SegmentBreakdown } from "./report.types";
import { thompsonAllocation } from "./stats/bayes";
import type { MetricComparison } from "./report-analysis";
import { verdict } from "./verdict";
import { reportDuration } from "./experiments.metrics";

const MAX_SEGMENTS = 10;

function toAggregate(r: AggregateRow): ArmAggregate {
  return {
    key: r.variant_key,
    sends: Number(r.sends),
    opens: Number(r.opens),
    machineOpens: Number(r.machine_opens),
    clicks: Number(r.clicks),
    conversions: Number(r.conversions),
    revenue: Number(r.revenue),
    revenueSquares: Number(r.revenue_squares),
  };
}

function toLift(c: MetricComparison): LiftStat {
  return {
    metric: c.metric,
    baselineKey: c.baselineKey,
    baselineValue: c.control,
    value: c.variant,
    difference: c.difference,
    differenceLow: c.differenceCi[0],
    differenceHigh: c.differenceCi[1],
    relativeLift: c.relativeLift,
    relativeLiftLow: c.relativeLiftCi?.[0] ?? null,
    relativeLiftHigh: c.relativeLiftCi?.[1] ?? null,
    pValue: c.pValue,
    adjustedPValue: c.adjustedPValue,
    sequentialPValue: c.sequentialPValue,
    chanceToBeat: c.chanceToBeat,
    significant: c.significant,
  };
}

function toArmReport(a: ArmResult): ArmReport {
  return { ...a.metrics, vsControl: a.vsControl.map(toLift), vsHoldout: a.vsHoldout.map(toLift) };
}

function configOf(experiment: Experiment | null): AnalysisConfig {
  if (!experiment) return { controlKey: null, holdoutKey: null, plannedShares: null, alpha: 0.05, sequential: false, primaryMetric: ExperimentMetric.CLICK_RATE };
  return {
    controlKey: experiment.variants.find((v) => v.control)?.key ?? null,
    holdoutKey: HOLDOUT_KEY,
    plannedShares: plannedShares(experiment.variants, experiment.holdoutShare, HOLDOUT_KEY),
    alpha: experiment.alpha,
    sequential: experiment.sequential,
    primaryMetric: experiment.primaryMetric,
  };
}

function stoppedNote(experiment: Experiment | null): string {
  if (experiment?.status !== ExperimentStatus.STOPPED) return "";
  return experiment.winnerKey ? `Stopped; "${experiment.winnerKey}" was declared the winner. ` : "Stopped without a declared winner. ";
}

/** Experiment results and campaign reports: aggregated in SQL, analysed by the pure statistics. */
export class ReportService {
  private hasSegments: Promise<boolean> | null = null;
  // Live subscribers of one experiment share one computation per interval.
  private readonly live = new Map<string, { at: number; results: Promise<ExperimentResults> }>();

  constructor(private readonly dataSource: DataSource) {}

  async experimentResults(scope: WorkspaceScope, id: string, segmentIds: string[] | null = null): Promise<ExperimentResults> {
    assertUuid(id, "id");
    const experiment = await scope.get(Experiment, { id }, "Experiment", id);
    const stopTimer = reportDuration.startTimer({ kind: "experiment" });
    const rows = (await this.dataSource.query(armsSql("experiment"), reportParams("experiment", scope.workspaceId, id, null))) as AggregateRow[];
    stopTimer();
    return this.section(experiment, rows.map(toAggregate), { scope: "experiment", id, experimentId: id, segmentIds });
  }

  /** The same as `experimentResults`, shared by every subscriber for `maxAgeMs`. */
  liveResults(scope: WorkspaceScope, id: string, maxAgeMs = 1500): Promise<ExperimentResults> {
    const key = `${scope.workspaceId}:${id}`;
    const cached = this.live.get(key);
    if (cached && Date.now() - cached.at < maxAgeMs) return cached.results;
    const results = this.experimentResults(scope, id);
    this.live.set(key, { at: Date.now(), results });
    results.catch(() => this.live.delete(key));
    for (const [k, v] of this.live) if (Date.now() - v.at > maxAgeMs) this.live.delete(k);
    return results;
  }

  async campaignReport(scope: WorkspaceScope, idOrKey: string, segmentIds: string[] | null = null): Promise<CampaignReport> {
    const campaign = await campaignOf(scope, idOrKey);
    const id = campaign.id;
    const stopTimer = reportDuration.startTimer({ kind: "campaign" });
    const rows = (await this.dataSource.query(armsSql("campaign"), reportParams("campaign", scope.workspaceId, id, campaign))) as AggregateRow[];
    stopTimer();
    const experimentIds = [...new Set(rows.map((r) => r.experiment_id))];
    const ids = experimentIds.filter((e): e is string => !!e);
    const experiments = new Map((ids.length ? await scope.find(Experiment, { where: ids.map((eid) => ({ id: eid })) }) : []).map((e) => [e.id, e]));
    const sections = experimentIds.map((experimentId) =>
      this.section(
        experimentId ? (experiments.get(experimentId) ?? null) : null,
        rows.filter((r) => r.experiment_id === experimentId).map(toAggregate),
        { scope: "campaign", id, experimentId, segmentIds },
      ),
    );
    const total = rows.map(toAggregate).reduce(
      (t, a) => ({ ...t, sends: t.sends + a.sends, opens: t.opens + a.opens, machineOpens: t.machineOpens + a.machineOpens, clicks: t.clicks + a.clicks, conversions: t.conversions + a.conversions, revenue: t.revenue + a.revenue, revenueSquares: t.revenueSquares + a.revenueSquares }),
      { key: "total", sends: 0, opens: 0, machineOpens: 0, clicks: 0, conversions: 0, revenue: 0, revenueSquares: 0 },
    );
    const totals = toArmReport(analyze([total], configOf(null)).arms[0]);
    const summary = sections.filter((s) => s.experimentId).map((s) => `${s.name ?? s.experimentId}: ${s.verdict}`);
    const headline = `${totals.sends.toLocaleString("en-US")} recipients; open rate ${(totals.openRate * 100).toFixed(1)}%, click rate ${(totals.clickRate * 100).toFixed(2)}%, conversion rate ${(totals.conversionRate * 100).toFixed(2)}%, revenue per recipient ${totals.revenuePerRecipient.toFixed(2)}.`;
    return { campaign, totals, experiments: sections, verdict: [headline, ...summary].join(" "), computedAt: new Date() };
  }

  /**
   * Thompson sampling over the treated arms' rates (clicks by default): the share of the next sends
   * each arm should get. Seeded by the experiment id, so the same data gives the same answer.
   */
  async bandit(scope: WorkspaceScope, id: string, metric: ExperimentMetric, minShare = 0.05): Promise<BanditArm[]> {
    const results = await this.experimentResults(scope, id);
    const arms = results.arms.filter((a) => !a.holdout);
    const successes = (a: ArmReport): number => (metric === ExperimentMetric.OPEN_RATE ? a.opens : metric === ExperimentMetric.CONVERSION_RATE ? a.conversions : a.clicks);
    const samples = arms.map((a) => ({ successes: successes(a), trials: a.sends }));
    const seed = parseInt(id.replace(/-/g, "").slice(0, 8), 16);
    const chance = thompsonAllocation(samples, { seed, draws: 20_000 });
    const shares = thompsonAllocation(samples, { seed, draws: 20_000, minShare });
    return arms.map((a, i) => ({ key: a.key, sends: a.sends, successes: samples[i].successes, chanceToBeBest: chance[i], share: shares[i] }));
  }

  /** Arms per segment (membership at send time) for a report; the largest segments when none are named. */
  async segments(scope: WorkspaceScope, results: ExperimentResults): Promise<SegmentBreakdown[]> {
    if (!(await this.segmentsAvailable())) return [];
    const { source } = results;
    const campaign = source.scope === "campaign" ? await campaignOf(scope, source.id) : null;
    const params = reportParams(source.scope, scope.workspaceId, source.id, campaign, source.segmentIds);
    const rows = ((await this.dataSource.query(segmentArmsSql(source.scope), params)) as AggregateRow[]).filter(
      (r) => r.experiment_id === source.experimentId,
    );
    const bySegment = new Map<string, ArmAggregate[]>();
    for (const r of rows) bySegment.set(r.segment_id!, [...(bySegment.get(r.segment_id!) ?? []), toAggregate(r)]);
    const chosen = [...bySegment.entries()].sort((a, b) => b[1].reduce((s, x) => s + x.sends, 0) - a[1].reduce((s, x) => s + x.sends, 0)).slice(0, source.segmentIds ? undefined : MAX_SEGMENTS);
    const names = chosen.length
      ? ((await this.dataSource.query(`SELECT id, key, name FROM segments WHERE workspace_id = $1 AND id = ANY($2::uuid[])`, [scope.workspaceId, chosen.map(([sid]) => sid)])) as { id: string; key: string; name: string }[])
      : [];
    const experiment = source.experimentId ? await scope.findOne(Experiment, { id: source.experimentId }) : null;
    // Within a segment the split is not re-checked for SRM (segments are not randomization units).
    const config = { ...configOf(experiment), plannedShares: null };
    return chosen.map(([segmentId, arms]) => {
      const analysis = analyze(arms, config);
      const named = names.find((n) => n.id === segmentId);
      return { segmentId, segmentKey: named?.key ?? null, segmentName: named?.name ?? null, arms: analysis.arms.map(toArmReport), verdict: verdict(analysis, config) };
    });
  }

  private section(experiment: Experiment | null, aggregates: ArmAggregate[], source: { scope: ReportScope; id: string; experimentId: string | null; segmentIds: string[] | null }): ExperimentResults {
    const config = configOf(experiment);
    // Arms with no recipients yet still appear (zeros), so dashboards show the whole plan.
    if (config.plannedShares) for (const key of Object.keys(config.plannedShares)) if (!aggregates.some((a) => a.key === key)) aggregates.push({ key, sends: 0, opens: 0, machineOpens: 0, clicks: 0, conversions: 0, revenue: 0, revenueSquares: 0 });
    const order = config.plannedShares ? Object.keys(config.plannedShares) : [];
    const rank = (key: string): number => (order.includes(key) ? order.indexOf(key) : order.length);
    aggregates.sort((a, b) => rank(a.key) - rank(b.key) || a.key.localeCompare(b.key));
    const analysis = analyze(aggregates, config);
    return {
      experimentId: source.experimentId,
      name: experiment?.name ?? null,
      status: experiment?.status ?? null,
      primaryMetric: config.primaryMetric,
      sequential: config.sequential,
      alpha: config.alpha,
      arms: analysis.arms.map(toArmReport),
      srm: analysis.srm ? { keys: analysis.srm.keys, observed: analysis.srm.observed, expected: analysis.srm.expected, statistic: analysis.srm.statistic, pValue: analysis.srm.pValue, alarm: analysis.srm.alarm } : null,
      verdict: `${stoppedNote(experiment)}${verdict(analysis, config)}`,
      computedAt: new Date(),
      source,
    };
  }

  private segmentsAvailable(): Promise<boolean> {
    this.hasSegments ??= this.dataSource
      .query(`SELECT to_regclass('segment_memberships') IS NOT NULL AND to_regclass('segments') IS NOT NULL AS ok`)
      .then((r: { ok: boolean }[]) => r[0].ok);
    return this.hasSegments;
  }
}
