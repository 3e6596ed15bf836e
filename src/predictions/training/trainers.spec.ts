import { gbdtContributions, gbdtRawScore, predictGbdt, trainGbdt } from "./gbdt";
import { seededRandom } from "../../common/random";
import { logisticContributions, logisticImportances, predictLogistic, trainLogistic } from "./logistic";
import { rocAuc } from "./metrics";

function xorData(n: number, seed: number): { x: number[][]; y: number[] } {
  const random = seededRandom(seed);
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = [random() * 2 - 1, random() * 2 - 1, random()];
    x.push(row);
    y.push(row[0] * row[1] > 0 ? 1 : 0);
  }
  return { x, y };
}

describe("logistic regression", () => {
  it("should recover the generating coefficients when data follow a logistic model", () => {
    const random = seededRandom(7);
    const x: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const row = [random() * 4 - 2, random() * 10, random()];
      const p = 1 / (1 + Math.exp(-(0.5 + 1.5 * row[0] - 0.3 * row[1])));
      x.push(row);
      y.push(random() < p ? 1 : 0);
    }
    const model = trainLogistic(x, y, ["a", "b", "noise"], { l2: 1e-6 });
    // Standardized coefficient = raw × std; std(U(−2,2)) = 4/√12, std(U(0,10)) = 10/√12.
    expect(model.weights[0] / model.stds[0]).toBeCloseTo(1.5, 0);
    expect(model.weights[1] / model.stds[1]).toBeCloseTo(-0.3, 1);
    expect(Math.abs(model.weights[2])).toBeLessThan(0.1);
    expect(logisticImportances(model)[2]).toBeLessThan(0.05);
    // Contributions add up to the log-odds minus the log-odds at the mean row.
    const row = x[0];
    const contributions = logisticContributions(model, row).reduce((a, b) => a + b, 0);
    const logit = (p: number) => Math.log(p / (1 - p));
    expect(contributions).toBeCloseTo(logit(predictLogistic(model, row)) - logit(predictLogistic(model, model.means)), 4);
  });

  it("should shrink coefficients when the L2 penalty grows", () => {
    const { x, y } = xorData(2000, 3);
    const labels = x.map((row) => (row[0] > 0 ? 1 : 0));
    const loose = trainLogistic(x, labels, ["a", "b", "c"], { l2: 1e-4 });
    const tight = trainLogistic(x, labels, ["a", "b", "c"], { l2: 1 });
    expect(Math.abs(tight.weights[0])).toBeLessThan(Math.abs(loose.weights[0]));
    expect(y.length).toBe(2000);
  });

  it("should fail to separate XOR when the pattern is not linear", () => {
    const train = xorData(4000, 1);
    const test = xorData(2000, 2);
    const model = trainLogistic(train.x, train.y, ["a", "b", "c"]);
    expect(rocAuc(test.x.map((r) => predictLogistic(model, r)), test.y)).toBeLessThan(0.6);
  });
});

describe("gradient-boosted trees", () => {
  it("should learn XOR when the pattern is not linear", () => {
    const train = xorData(4000, 1);
    const test = xorData(2000, 2);
    const model = trainGbdt(train.x, train.y, ["a", "b", "c"], { trees: 100, learningRate: 0.2, maxDepth: 3 });
    expect(rocAuc(test.x.map((r) => predictGbdt(model, r)), test.y)).toBeGreaterThan(0.97);
    // The noise column carries little of the gain.
    expect(model.importances[2]).toBeLessThan(0.1);
  });

  it("should stop early when the validation loss stops improving", () => {
    const train = xorData(2000, 4);
    const valid = xorData(1000, 5);
    const model = trainGbdt(train.x, train.y, ["a", "b", "c"], { trees: 400, learningRate: 0.3, validation: { ...valid, patience: 10 } });
    expect(model.trees.length).toBeLessThan(400);
  });

  it("should give contributions that sum to the raw score minus the expected score", () => {
    const train = xorData(1000, 6);
    const model = trainGbdt(train.x, train.y, ["a", "b", "c"], { trees: 20 });
    const row = train.x[3];
    const expected = model.baseScore + model.trees.reduce((s, t) => s + t[0].value, 0);
    const sum = gbdtContributions(model, row).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(gbdtRawScore(model, row) - expected, 10);
  });

  it("should reproduce the same model when trained twice with one seed", () => {
    const train = xorData(500, 8);
    const a = trainGbdt(train.x, train.y, ["a", "b", "c"], { trees: 10, seed: 3 });
    const b = trainGbdt(train.x, train.y, ["a", "b", "c"], { trees: 10, seed: 3 });
    expect(a).toEqual(b);
  });

  it("should split each tree only on its sampled features when columns are sampled per tree", () => {
    const random = seededRandom(11);
    const x = Array.from({ length: 600 }, () => Array.from({ length: 10 }, () => random()));
    const y = x.map((r) => (r[0] + r[3] + r[7] > 1.5 ? 1 : 0));
    const names = x[0].map((_, j) => `f${j}`);
    const model = trainGbdt(x, y, names, { trees: 30, maxDepth: 3, colsampleByTree: 0.3, colsampleByNode: 0.5, seed: 5 });
    const used = model.trees.map((t) => new Set(t.filter((n) => !n.leaf).map((n) => n.feature)));
    // ⌊0.3 · 10⌋ = 3 features per tree; across trees, more than 3 are used.
    for (const features of used) expect(features.size).toBeLessThanOrEqual(3);
    expect(new Set(used.flatMap((s) => [...s])).size).toBeGreaterThan(3);
    expect(trainGbdt(x, y, names, { trees: 30, maxDepth: 3, colsampleByTree: 0.3, colsampleByNode: 0.5, seed: 5 })).toEqual(model);
  });

  it("should train the same model as without sampling when the column shares are 1", () => {
    const train = xorData(500, 9);
    const a = trainGbdt(train.x, train.y, ["a", "b", "c"], { trees: 10, seed: 3 });
    const b = trainGbdt(train.x, train.y, ["a", "b", "c"], { trees: 10, seed: 3, colsampleByTree: 1, colsampleByNode: 1 });
    expect(b).toEqual(a);
  });
});
