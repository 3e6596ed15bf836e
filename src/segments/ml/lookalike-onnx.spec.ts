import * as ort from "onnxruntime-node";
import { seededRandom } from "../../common/random";
import { scoreRow, trainLogistic } from "./logistic";
import { exportLookalike, scoreWithSession } from "./lookalike-onnx";

describe("lookalike ONNX export", () => {
  it("should score like the pure function when run in ONNX Runtime", async () => {
    const random = seededRandom(2);
    const rows = Array.from({ length: 300 }, () => [random() * 100, random() * 5 - 2, random()]);
    const labels = rows.map((r) => (r[0] + 20 * r[1] > 50 ? 1 : 0));
    const model = trainLogistic(rows, labels, ["a", "b", "c"], { iterations: 100 });
    const session = await ort.InferenceSession.create(exportLookalike(model));
    const scores = await scoreWithSession(session, rows, 128);
    rows.forEach((r, i) => expect(scores[i]).toBeCloseTo(scoreRow(model, r), 4));
  });
});
