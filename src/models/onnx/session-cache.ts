import * as ort from "onnxruntime-node";
import type { TensorSpec } from "../model-version.entity";

/** Options for serving sessions: one intra-op thread gives steadier tail latency on small machines. */
export const SERVING_SESSION_OPTIONS: ort.InferenceSession.SessionOptions = { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: "all" };

/** Loads a session from ONNX bytes. */
export function loadSession(bytes: Uint8Array, options: ort.InferenceSession.SessionOptions = SERVING_SESSION_OPTIONS): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, options);
}

const TYPED: Record<string, (n: number) => ort.Tensor["data"]> = {
  float32: (n) => new Float32Array(n),
  float: (n) => new Float32Array(n),
  float64: (n) => new Float64Array(n),
  double: (n) => new Float64Array(n),
  int32: (n) => new Int32Array(n),
  int64: (n) => new BigInt64Array(n),
  bool: (n) => new Uint8Array(n),
};

/** Normalizes a declared element type (float → float32, double → float64). */
export function normalizeType(type: string): string {
  const t = type.toLowerCase();
  return t === "float" ? "float32" : t === "double" ? "float64" : t;
}

export const SUPPORTED_TYPES = ["float32", "float64", "int32", "int64", "bool"];

/** A probe tensor of the declared shape (dynamic dims become 1), filled with zeros (int64 inputs with 1 when they look like a count). */
export function probeTensor(spec: TensorSpec): ort.Tensor {
  const type = normalizeType(spec.type);
  const dims = spec.shape.map((d) => (d > 0 ? d : 1));
  const size = dims.reduce((a, b) => a * b, 1);
  const data = TYPED[type](size);
  // TopK-style "k" inputs must be ≥ 1 to run at all
  if (type === "int64" && size === 1) (data as BigInt64Array)[0] = 1n;
  return new ort.Tensor(type as "float32", data as Float32Array, dims);
}

/** Runs every declared input once with a probe tensor and returns the outputs. */
export async function probeRun(session: ort.InferenceSession, inputs: TensorSpec[]): Promise<ort.InferenceSession.OnnxValueMapType> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const spec of inputs) feeds[spec.name] = probeTensor(spec);
  return session.run(feeds);
}
