import { contributions, fitAndEvaluate, importances, predictRow, type LabelledRows } from "./fit";
import { gbdtRawScore } from "./gbdt";
import { logisticLogit } from "./logistic";
import { seededRandom } from "../../common/random";
import { CHURN_RISK, PURCHASE_PROPENSITY, inPopulation, labelFor } from "./prediction-kinds";
import { emptyAggregates } from "../features/feature-vector";

function xor(n: number, seed: number): LabelledRows {
  const random = seededRandom(seed);
  const x = Array.from({ length: n }, () => [random() * 2 - 1, random() * 2 - 1]);
  return { x, y: x.map((r) => (r[0] * r[1] > 0 ? 1 : 0)) };
}

describe("fit and evaluate", () => {
  it("should pick the trees alone when the pattern is not linear, the algorithm is auto and the blend gains nothing", () => {
    const result = fitAndEvaluate([xor(1500, 1), xor(1500, 2)], ["a", "b"], "auto");
    expect(result.algorithm).toBe("gbdt");
    expect(result.metrics.candidates.gbdt).toBeGreaterThan(result.metrics.candidates.logistic);
    expect(result.metrics.rocAuc).toBeGreaterThan(0.95);
    expect(result.rows).toBe(3000);
  });

  it("should keep a training snapshot whose bin shares sum to one for every feature and the scores", () => {
    const result = fitAndEvaluate([xor(600, 3), xor(600, 4)], ["a", "b"], "logistic", { feature: 0, sign: 1 });
    for (const bins of [...result.reference.features, result.reference.prediction]) expect(bins.shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(result.reference.features).toHaveLength(2);
    expect(typeof result.metrics.baselineRocAuc).toBe("number");
  });

  it("should average the two models' log-odds when the algorithm is blend", () => {
    const result = fitAndEvaluate([xor(800, 6), xor(800, 7)], ["a", "b"], "blend");
    const model = result.model;
    if (model.kind !== "blend") throw new Error(`expected a blend, got ${model.kind}`);
    const row = [0.3, -0.6];
    const raw = 0.5 * gbdtRawScore(model.gbdt, row) + 0.5 * logisticLogit(model.logistic, row);
    expect(predictRow(model, row)).toBeCloseTo(1 / (1 + Math.exp(-raw)), 12);
    expect(contributions(model, row)).toHaveLength(2);
    expect(importances(model).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(Object.keys(result.metrics.candidates)).toEqual(["blend"]);
  });

  it("should refuse to train when every label is the same", () => {
    const rows = xor(100, 5);
    expect(() => fitAndEvaluate([{ x: rows.x, y: rows.y.map(() => 1) }], ["a", "b"], "gbdt")).toThrow("both outcomes");
  });
});

describe("prediction kinds", () => {
  it("should score churn only for recent buyers and propensity for any buyer", () => {
    const recent = { ...emptyAggregates(), orders: 2, minAge: 10 };
    const lapsed = { ...emptyAggregates(), orders: 2, minAge: 200 };
    expect(inPopulation(PURCHASE_PROPENSITY, lapsed, 90)).toBe(true);
    expect(inPopulation(CHURN_RISK, lapsed, 90)).toBe(false);
    expect(inPopulation(CHURN_RISK, recent, 90)).toBe(true);
    expect(inPopulation(PURCHASE_PROPENSITY, emptyAggregates(), 90)).toBe(false);
    expect([labelFor(PURCHASE_PROPENSITY, true), labelFor(CHURN_RISK, true), labelFor(CHURN_RISK, false)]).toEqual([1, 0, 1]);
  });
});
