import { catalogCoverage, meanMetrics, userMetrics } from "./ranking-metrics";

describe("ranking metrics", () => {
  // Hand-computed: list [a, x, b, y, c] at k = 5, relevant {a, b, c, d}.
  // hits at ranks 1, 3, 5 → precision 3/5, recall 3/4;
  // DCG = 1/log2(2) + 1/log2(4) + 1/log2(6) = 1 + 0.5 + 0.386853; IDCG (4 relevant, k=5 → 4 terms) = 1 + 0.630930 + 0.5 + 0.430677;
  // AP = (1/1 + 2/3 + 3/5) / 4 = 0.566667.
  it("should match hand-computed precision, recall, nDCG and AP when hits are at ranks 1, 3 and 5", () => {
    const m = userMetrics(["a", "x", "b", "y", "c"], new Set(["a", "b", "c", "d"]), 5);
    expect(m.precision).toBeCloseTo(0.6, 10);
    expect(m.recall).toBeCloseTo(0.75, 10);
    expect(m.ndcg).toBeCloseTo(1.886853 / 2.561607, 5);
    expect(m.ap).toBeCloseTo(0.566667, 5);
    expect(m.hit).toBe(1);
  });

  it("should use min(k, relevant) in the ideal DCG and divide precision by k when the list is short", () => {
    const m = userMetrics(["a"], new Set(["a"]), 10);
    expect(m.ndcg).toBeCloseTo(1, 10);
    expect(m.precision).toBeCloseTo(0.1, 10);
    expect(m.ap).toBeCloseTo(1, 10);
  });

  it("should count a user with no hit as zero in the mean", () => {
    const mean = meanMetrics([userMetrics(["a", "b"], new Set(["a"]), 2), userMetrics(["x", "y"], new Set(["a"]), 2)]);
    expect(mean.precision).toBeCloseTo(0.25, 10);
    expect(mean.hit).toBeCloseTo(0.5, 10);
    expect(mean.ndcg).toBeCloseTo(0.5, 10);
  });

  it("should measure catalog coverage as the share of items recommended at least once", () => {
    expect(catalogCoverage([["a", "b"], ["b", "c"]], 10)).toBeCloseTo(0.3, 10);
  });
});
