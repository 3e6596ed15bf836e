import { holmAdjust, powerForRates, sampleRatioMismatch, sampleSizeForMeans, sampleSizeForRates } from "./checks";

describe("sample-ratio mismatch, Holm and sample size", () => {
  it("should raise the SRM alarm when a 50/50 split comes out 5000 vs 5400", () => {
    // scipy.stats.chisquare([5000, 5400]): statistic 15.384615384615385, p 8.769942375590228e-05
    const r = sampleRatioMismatch([5000, 5400], [50, 50]);
    expect(r.statistic).toBeCloseTo(15.384615384615385, 10);
    expect(r.pValue / 8.769942375590228e-5).toBeCloseTo(1, 8);
    expect(r.alarm).toBe(true);
  });

  it("should stay quiet when the split matches unequal weights", () => {
    const r = sampleRatioMismatch([8012, 1988], [0.8, 0.2]);
    expect(r.alarm).toBe(false);
    expect(r.expected).toEqual([8000, 2000]);
  });

  it("should match R's p.adjust(holm) when five p-values are given out of order", () => {
    // p.adjust(c(0.01,0.02,0.03,0.04,0.05), "holm") = 0.05 0.08 0.09 0.09 0.09
    expect(holmAdjust([0.03, 0.01, 0.05, 0.02, 0.04]).map((p) => Number(p.toFixed(12)))).toEqual([0.09, 0.05, 0.09, 0.08, 0.09]);
    expect(holmAdjust([0.5, 0.9])).toEqual([1, 1]); // monotone: 0.9 never drops below 1
  });

  it("should match R's power.prop.test when p1 .5, p2 .75, power .9", () => {
    // power.prop.test(p1 = .50, p2 = .75, power = .90) → n = 76.7 per group
    expect(sampleSizeForRates(0.5, 0.5, 0.05, 0.9)).toBe(77);
    expect(powerForRates(0.5, 0.75, 76.7)).toBeCloseTo(0.9, 3);
  });

  it("should match the textbook normal formula when comparing means", () => {
    // 2·(1.959964 + 0.841621)²·σ²/δ² with σ = 1, δ = 0.5 → 62.79 → 63
    expect(sampleSizeForMeans(1, 0.5)).toBe(63);
  });
});
