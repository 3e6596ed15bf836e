import { averagePrecision, brierScore, calibrationTable, rocAuc } from "./metrics";

describe("classifier metrics", () => {
  it("should give the hand-computed ROC-AUC when scores have one misordered pair", () => {
    // positives 0.9, 0.4; negatives 0.5, 0.1 → pairs (0.9>0.5, 0.9>0.1, 0.4<0.5, 0.4>0.1) = 3/4
    expect(rocAuc([0.9, 0.5, 0.4, 0.1], [1, 0, 1, 0])).toBeCloseTo(0.75, 12);
  });

  it("should count ties as half when a positive and a negative share a score", () => {
    expect(rocAuc([0.5, 0.5], [1, 0])).toBeCloseTo(0.5, 12);
    expect(rocAuc([0.7, 0.5, 0.5], [1, 1, 0])).toBeCloseTo(0.75, 12);
  });

  it("should return NaN when only one class is present", () => {
    expect(rocAuc([0.1, 0.2], [1, 1])).toBeNaN();
  });

  it("should give the hand-computed average precision when ranks interleave", () => {
    // ranked labels 1,0,1,0 → AP = (1/2)(1/1) + (1/2)(2/3) = 0.8333…
    expect(averagePrecision([0.9, 0.5, 0.4, 0.1], [1, 0, 1, 0])).toBeCloseTo(5 / 6, 12);
  });

  it("should give the Brier score as the mean squared error of probabilities", () => {
    expect(brierScore([0.8, 0.3], [1, 0])).toBeCloseTo((0.04 + 0.09) / 2, 12);
  });

  it("should place predictions in equal-width bins with observed rates when calibrating", () => {
    const table = calibrationTable([0.05, 0.07, 0.55, 0.95, 1], [0, 1, 1, 1, 0]);
    expect(table).toHaveLength(10);
    expect(table[0]).toMatchObject({ count: 2, observedRate: 0.5 });
    expect(table[0].meanPredicted).toBeCloseTo(0.06, 12);
    expect(table[5]).toMatchObject({ count: 1, observedRate: 1 });
    expect(table[9]).toMatchObject({ count: 2, observedRate: 0.5 });
    expect(table[3]).toMatchObject({ count: 0, observedRate: 0 });
  });
});
