import * as ort from "onnxruntime-node";
import { predictGbdt, trainGbdt } from "./gbdt";
import { seededRandom } from "../../common/random";
import { predictLogistic, trainLogistic } from "./logistic";
import { blendModels, predictBlend } from "./blend";
import { PREDICTION_INPUT, PREDICTION_OUTPUT, exportBlend, exportGbdt, exportLogistic, exportModel } from "./onnx-export";

function data(n: number, seed: number): { x: number[][]; y: number[] } {
  const random = seededRandom(seed);
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    // Mixed scales and a discrete column, like real RFM features.
    const row = [random() * 2 - 1, random() * 2 - 1, Math.floor(random() * 5), random() * 1000];
    x.push(row);
    y.push(row[0] * row[1] + 0.1 * row[2] + row[3] / 2000 + (random() - 0.5) > 0.3 ? 1 : 0);
  }
  return { x, y };
}

async function runOnnx(bytes: Uint8Array, x: number[][]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  const d = x[0].length;
  const input = new ort.Tensor("float32", Float32Array.from(x.flat()), [x.length, d]);
  const out = await session.run({ [PREDICTION_INPUT]: input });
  expect(out[PREDICTION_OUTPUT].dims).toEqual([x.length, 1]);
  return out[PREDICTION_OUTPUT].data as Float32Array;
}

describe("ONNX export", () => {
  const train = data(3000, 1);
  const test = data(500, 2);
  const names = ["a", "b", "c", "d"];

  it("should give the TypeScript model's probabilities when logistic regression runs in onnxruntime", async () => {
    const model = trainLogistic(train.x, train.y, names);
    const onnx = await runOnnx(exportLogistic(model), test.x);
    test.x.forEach((row, i) => expect(onnx[i]).toBeCloseTo(predictLogistic(model, row), 5));
  });

  it("should give the TypeScript model's probabilities when the tree ensemble runs in onnxruntime", async () => {
    const model = trainGbdt(train.x, train.y, names, { trees: 60, maxDepth: 4 });
    const onnx = await runOnnx(exportGbdt(model), test.x);
    test.x.forEach((row, i) => expect(onnx[i]).toBeCloseTo(predictGbdt(model, row), 5));
    // Rows exactly on a threshold take the same branch in both.
    const root = model.trees[0][0];
    const edgeRow = [0.1, -0.2, 2, 500];
    edgeRow[root.feature] = root.threshold;
    const [atEdge] = await runOnnx(exportGbdt(model), [edgeRow]);
    expect(atEdge).toBeCloseTo(predictGbdt(model, edgeRow), 5);
  });

  it("should give the TypeScript blend's probabilities when the GBDT + logistic blend runs in onnxruntime", async () => {
    const blend = blendModels(trainGbdt(train.x, train.y, names, { trees: 40, maxDepth: 3 }), trainLogistic(train.x, train.y, names, { l2: 0.1 }));
    const onnx = await runOnnx(exportBlend(blend), test.x);
    test.x.forEach((row, i) => expect(onnx[i]).toBeCloseTo(predictBlend(blend, row), 5));
    expect(exportModel(blend)).toEqual(exportBlend(blend));
  });
});
