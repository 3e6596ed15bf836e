import { ExperimentMetric } from "./experiment.entity";
import { analyze, plannedShares, type ArmAggregate, type AnalysisConfig } from "./report-analysis";
import { verdict } from "./verdict";

const arm = (key: string, sends: number, clicks: number, extra: Partial<ArmAggregate> = {}): ArmAggregate => ({
  key,
  sends,
  opens: clicks * 3,
  machineOpens: 0,
  clicks,
  conversions: Math.round(clicks / 4),
  revenue: clicks * 10,
  revenueSquares: clicks * 400,
  ...extra,
});

const config = (overrides: Partial<AnalysisConfig> = {}): AnalysisConfig => ({
  controlKey: "a",
  holdoutKey: "holdout",
  plannedShares: plannedShares([{ key: "a", weight: 1 }, { key: "b", weight: 1 }, { key: "c", weight: 1 }], 0.1, "holdout"),
  alpha: 0.05,
  sequential: false,
  primaryMetric: ExperimentMetric.CLICK_RATE,
  ...overrides,
});

describe("report analysis and verdict", () => {
  it("should compute rates and compare every arm with control and holdout", () => {
    const result = analyze([arm("a", 3000, 300), arm("b", 3000, 390), arm("c", 3000, 305), arm("holdout", 1000, 60)], config());
    const b = result.arms.find((x) => x.metrics.key === "b")!;
    expect(b.metrics.clickRate).toBeCloseTo(0.13, 12);
    expect(b.metrics.clickToOpenRate).toBeCloseTo(1 / 3, 12);
    const click = b.vsControl.find((c) => c.metric === ExperimentMetric.CLICK_RATE)!;
    expect(click.difference).toBeCloseTo(0.03, 12);
    // Holm over two challengers: the smaller p is doubled.
    expect(click.adjustedPValue).toBeCloseTo(Math.min(1, 2 * click.pValue), 12);
    expect(click.significant).toBe(true);
    expect(result.arms.find((x) => x.metrics.key === "a")!.vsHoldout).toHaveLength(4);
    expect(result.srm!.alarm).toBe(false);
    const text = verdict(result, config());
    expect(text).toMatch(/Variant "b" beats the control on click rate: 13\.00% vs 10\.00% \(\+30\.0%/);
    expect(text).toMatch(/Personalization lifts click rate against the holdout/);
  });

  it("should raise a sample-ratio alarm in the verdict when arms are skewed", () => {
    const result = analyze([arm("a", 3000, 300), arm("b", 3600, 360), arm("c", 3000, 300), arm("holdout", 1070, 80)], config());
    expect(result.srm!.alarm).toBe(true);
    expect(verdict(result, config())).toMatch(/^Sample ratio mismatch/);
  });

  it("should say how many recipients are needed when nothing is significant", () => {
    const cfg = config({ holdoutKey: null, plannedShares: { a: 0.5, b: 0.5 } });
    const result = analyze([arm("a", 500, 50), arm("b", 500, 52)], cfg);
    const text = verdict(result, cfg);
    expect(text).toMatch(/No significant difference on click rate yet/);
    expect(text).toMatch(/about 14,7\d\d recipients per arm are needed/);
  });

  it("should use the always-valid p-value when the experiment is sequential", () => {
    const cfg = config({ sequential: true, holdoutKey: null, plannedShares: null });
    // Just significant at a single fixed-horizon look, not under the mSPRT.
    const result = analyze([arm("a", 4000, 400), arm("b", 4000, 460)], cfg);
    const c = result.arms[1].vsControl.find((x) => x.metric === ExperimentMetric.CLICK_RATE)!;
    expect(c.pValue).toBeLessThan(0.05);
    expect(c.sequentialPValue!).toBeGreaterThan(c.pValue);
    expect(c.significant).toBe(c.sequentialPValue! < 0.05);
  });

  it("should say so when there are no recipients", () => {
    expect(verdict(analyze([], config()), config())).toBe("No recipients yet: nothing to conclude.");
  });
});
