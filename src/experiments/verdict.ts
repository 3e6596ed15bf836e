// The plain-words verdict of an analysis: what a marketer should conclude, in one paragraph.
import { ExperimentMetric } from "./experiment.entity";
import type { Analysis, ArmResult, MetricComparison } from "./report-analysis";
import { SRM_ALARM_P, sampleSizeForMeans, sampleSizeForRates } from "./stats/checks";
import { meanFromSums } from "./stats/frequentist";

const METRIC_WORDS: Record<ExperimentMetric, string> = {
  [ExperimentMetric.OPEN_RATE]: "open rate",
  [ExperimentMetric.CLICK_RATE]: "click rate",
  [ExperimentMetric.CONVERSION_RATE]: "conversion rate",
  [ExperimentMetric.REVENUE_PER_RECIPIENT]: "revenue per recipient",
};

const pct = (x: number, digits = 2): string => `${(x * 100).toFixed(digits)}%`;
const signed = (x: number): string => `${x >= 0 ? "+" : "−"}${(Math.abs(x) * 100).toFixed(1)}%`;
const pv = (p: number): string => (p < 0.0001 ? "p < 0.0001" : `p = ${p.toFixed(4)}`);

function level(metric: ExperimentMetric, value: number): string {
  return metric === ExperimentMetric.REVENUE_PER_RECIPIENT ? value.toFixed(2) : pct(value);
}

function describe(arm: ArmResult, c: MetricComparison, sequential: boolean): string {
  const lift = c.relativeLift !== null ? ` (${signed(c.relativeLift)}${c.relativeLiftCi ? `, CI ${signed(c.relativeLiftCi[0])} to ${signed(c.relativeLiftCi[1])}` : ""})` : "";
  const p = sequential && c.sequentialPValue !== null ? `always-valid ${pv(c.sequentialPValue)}` : `${pv(c.adjustedPValue)}${c.adjustedPValue !== c.pValue ? " after Holm correction" : ""}`;
  const chance = c.chanceToBeat !== null ? `; chance to beat "${c.baselineKey}": ${pct(c.chanceToBeat, 1)}` : "";
  return `${level(c.metric, c.variant)} vs ${level(c.metric, c.control)}${lift}, ${p}${chance}`;
}

/** One paragraph: SRM warning, winner or inconclusive (with the sample still needed), personalization lift. */
export function verdict(analysis: Analysis, config: { primaryMetric: ExperimentMetric; alpha: number; sequential: boolean }): string {
  const metric = config.primaryMetric;
  const words = METRIC_WORDS[metric];
  const total = analysis.arms.reduce((s, a) => s + a.metrics.sends, 0);
  if (total === 0) return "No recipients yet: nothing to conclude.";
  const parts: string[] = [];
  if (analysis.srm?.alarm) {
    parts.push(
      `Sample ratio mismatch (${pv(analysis.srm.pValue)} < ${SRM_ALARM_P}): the arms did not receive their planned shares (${analysis.srm.keys.map((k, i) => `${k} ${analysis.srm!.observed[i]}`).join(", ")}), so these results are not trustworthy — check assignment and delivery before reading them.`,
    );
  }
  const control = analysis.arms.find((a) => a.metrics.control);
  const challengers = analysis.arms.filter((a) => !a.metrics.control && !a.metrics.holdout);
  const primary = (arm: ArmResult, list: "vsControl" | "vsHoldout") => arm[list].find((c) => c.metric === metric);
  if (control && challengers.length) {
    const winners = challengers.filter((a) => primary(a, "vsControl")?.significant && primary(a, "vsControl")!.difference > 0);
    const losers = challengers.filter((a) => primary(a, "vsControl")?.significant && primary(a, "vsControl")!.difference < 0);
    if (winners.length) {
      const best = winners.sort((x, y) => primary(y, "vsControl")!.difference - primary(x, "vsControl")!.difference)[0];
      parts.push(`Variant "${best.metrics.key}" beats the control on ${words}: ${describe(best, primary(best, "vsControl")!, config.sequential)}.`);
    }
    for (const loser of losers) parts.push(`Variant "${loser.metrics.key}" does worse than the control on ${words}: ${describe(loser, primary(loser, "vsControl")!, config.sequential)}.`);
    if (!winners.length && !losers.length) {
      const leader = challengers.map((a) => ({ a, c: primary(a, "vsControl") })).filter((x) => x.c).sort((x, y) => y.c!.difference - x.c!.difference)[0];
      const smallest = Math.min(control.metrics.sends, ...challengers.map((a) => a.metrics.sends));
      const needed = neededPerArm(control, metric, config.alpha);
      const more = needed !== null && needed > smallest ? ` To detect a 10% relative change with 80% power, about ${needed.toLocaleString("en-US")} recipients per arm are needed (the smallest arm has ${smallest.toLocaleString("en-US")}).` : "";
      parts.push(
        leader
          ? `No significant difference on ${words} yet. Closest: "${leader.a.metrics.key}" at ${describe(leader.a, leader.c!, config.sequential)}.${more}`
          : `Not enough recipients to compare ${words} yet.${more}`,
      );
    }
  }
  const holdout = analysis.arms.find((a) => a.metrics.holdout);
  if (holdout && control) {
    const lift = primary(control, "vsHoldout");
    if (lift) {
      parts.push(
        lift.significant
          ? `Personalization ${lift.difference > 0 ? "lifts" : "lowers"} ${words} against the holdout: ${describe(control, lift, config.sequential)}.`
          : `No significant personalization lift on ${words} against the holdout yet (${describe(control, lift, config.sequential)}).`,
      );
    }
  }
  if (!parts.length) parts.push(`${total.toLocaleString("en-US")} recipients, no comparison arm.`);
  return parts.join(" ");
}

function neededPerArm(control: ArmResult, metric: ExperimentMetric, alpha: number): number | null {
  const m = control.metrics;
  try {
    if (metric === ExperimentMetric.REVENUE_PER_RECIPIENT) {
      const s = meanFromSums(m.sends, m.revenue, m.revenueSquares);
      return s.mean > 0 && s.sd > 0 ? sampleSizeForMeans(s.sd, 0.1 * s.mean, alpha) : null;
    }
    const rate = metric === ExperimentMetric.OPEN_RATE ? m.openRate : metric === ExperimentMetric.CLICK_RATE ? m.clickRate : m.conversionRate;
    return rate > 0 && rate < 0.9 ? sampleSizeForRates(rate, 0.1, alpha) : null;
  } catch {
    return null;
  }
}
