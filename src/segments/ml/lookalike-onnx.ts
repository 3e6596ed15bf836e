import * as ort from "onnxruntime-node";
import { GraphBuilder } from "../../models/onnx/graph-builder";
import type { LogisticModel } from "./logistic";

export const LOOKALIKE_KIND = "segment_lookalike";
const INPUT = "features";
const OUTPUT = "probability";

/** The lookalike model as ONNX: MatMul → Add → Sigmoid with the standardization folded into the weights. */
export function exportLookalike(model: LogisticModel): Uint8Array {
  const d = model.features.length;
  const weights = model.weights.map((w, j) => w / model.stds[j]);
  const bias = model.bias - model.weights.reduce((s, w, j) => s + (w * model.means[j]) / model.stds[j], 0);
  const g = new GraphBuilder({ name: "segment_lookalike", docString: `features: ${model.features.join(",")}` });
  const x = g.input(INPUT, "float", ["batch", d]);
  const w = g.initializer("weights", "float", [d, 1], weights);
  const b = g.initializer("bias", "float", [1], [bias]);
  g.op("Sigmoid", [g.op("Add", [g.op("MatMul", [x, w]), b])], {}, OUTPUT);
  g.output(OUTPUT, "float", ["batch", 1]);
  return g.meta("kindred.kind", LOOKALIKE_KIND).build();
}

/** Scores rows with an ONNX Runtime session in batches (a job, so blocking per batch is fine). */
export async function scoreWithSession(session: ort.InferenceSession, rows: number[][], batch = 4096): Promise<Float32Array> {
  const d = rows[0]?.length ?? 0;
  const out = new Float32Array(rows.length);
  for (let start = 0; start < rows.length; start += batch) {
    const part = rows.slice(start, start + batch);
    const data = new Float32Array(part.length * d);
    part.forEach((r, i) => data.set(r, i * d));
    const result = await session.run({ [INPUT]: new ort.Tensor("float32", data, [part.length, d]) });
    out.set(result[OUTPUT].data as Float32Array, start);
  }
  return out;
}
