import { binShares, psi, psiWithEdges, quantileEdges } from "./psi";
import { seededRandom } from "../../common/random";

function normalSample(n: number, mean: number, sd: number, seed: number): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => mean + sd * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()));
}

describe("population stability index", () => {
  it("should be near zero when both samples come from one distribution", () => {
    expect(psi(normalSample(20_000, 0, 1, 1), normalSample(20_000, 0, 1, 2)).psi).toBeLessThan(0.01);
  });

  it("should pass 0.2 when the mean shifts by one standard deviation", () => {
    const result = psi(normalSample(20_000, 0, 1, 3), normalSample(20_000, 1, 1, 4));
    // Expected PSI of N(0,1) → N(1,1) on deciles is about 0.9–1.1.
    expect(result.psi).toBeGreaterThan(0.8);
    expect(result.psi).toBeLessThan(1.3);
  });

  it("should stay under 0.1 when the mean shifts by a tenth of a standard deviation", () => {
    const result = psi(normalSample(20_000, 0, 1, 5), normalSample(20_000, 0.1, 1, 6));
    expect(result.psi).toBeGreaterThan(0.003);
    expect(result.psi).toBeLessThan(0.1);
  });

  it("should equal the hand-computed sum when shares are known", () => {
    // Two bins: expected 50/50, actual 80/20 → 0.3·ln(1.6) + (−0.3)·ln(0.4)
    const value = psiWithEdges([1], [0.5, 0.5], [0, 0, 0, 0, 0, 0, 0, 0, 2, 2]).psi;
    expect(value).toBeCloseTo(0.3 * Math.log(1.6) - 0.3 * Math.log(0.4), 12);
  });

  it("should use fewer bins when the variable is discrete", () => {
    const reference = [0, 0, 0, 0, 1, 1, 1, 2, 2, 3];
    const edges = quantileEdges(reference, 10);
    expect(edges).toEqual([0, 1, 2, 3]);
    expect(binShares(reference, edges)).toEqual([0, 0.4, 0.3, 0.2, 0.1]);
  });
});
