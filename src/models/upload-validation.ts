import type * as ort from "onnxruntime-node";
import { ProblemCollector, UserInputError } from "../common/errors";
import type { TensorSpec } from "./model-version.entity";
import { loadSession, normalizeType, probeRun, SUPPORTED_TYPES } from "./onnx/session-cache";

/** What a bring-your-own upload declares. */
export interface UploadDeclaration {
  kind: string;
  onnxBase64: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

export const KIND_PATTERN = /^[A-Z][A-Z0-9_]{1,47}$/;

const firstLine = (error: unknown) => String((error as Error)?.message ?? error).split("\n")[0].slice(0, 300);

/** Checks the declaration's own shape (names, types, dims) before touching ONNX Runtime. */
export function checkDeclaration(input: UploadDeclaration, problems: ProblemCollector, path = "input"): Uint8Array | null {
  if (!KIND_PATTERN.test(input.kind)) problems.add(`${path}.kind`, "must be UPPER_SNAKE_CASE, 2 to 48 characters (e.g. CHURN_XGB)");
  const check = (list: TensorSpec[], name: "inputs" | "outputs") => {
    if (!list.length) problems.add(`${path}.${name}`, "must declare at least one tensor");
    const seen = new Set<string>();
    list.forEach((spec, i) => {
      if (!spec.name) problems.add(`${path}.${name}[${i}].name`, "must not be empty");
      if (seen.has(spec.name)) problems.add(`${path}.${name}[${i}].name`, `"${spec.name}" is declared twice`);
      seen.add(spec.name);
      if (!SUPPORTED_TYPES.includes(normalizeType(spec.type))) problems.add(`${path}.${name}[${i}].type`, `must be one of ${SUPPORTED_TYPES.join(", ")}, got "${spec.type}"`);
      spec.shape.forEach((d, j) => {
        if (!Number.isInteger(d) || (d < 1 && d !== -1) || d > 1_000_000) problems.add(`${path}.${name}[${i}].shape[${j}]`, "must be a positive size or -1 (any)");
      });
    });
  };
  check(input.inputs, "inputs");
  check(input.outputs, "outputs");
  const bytes = /^[A-Za-z0-9+/]*={0,2}$/.test(input.onnxBase64) ? Buffer.from(input.onnxBase64, "base64") : null;
  if (!bytes || bytes.length < 16) problems.add(`${path}.onnxBase64`, "must be the base64 of an ONNX file");
  return bytes ? new Uint8Array(bytes) : null;
}

const ORT_TYPE: Record<string, string> = { float32: "float32", float64: "float64", int32: "int32", int64: "int64", bool: "bool" };

/** Compares the declaration with what the loaded session really has (names, element types, ranks). */
export function compareSignature(session: ort.InferenceSession, input: UploadDeclaration, problems: ProblemCollector, path = "input"): void {
  const compare = (declared: TensorSpec[], names: readonly string[], meta: readonly ort.InferenceSession.ValueMetadata[] | undefined, field: "inputs" | "outputs") => {
    declared.forEach((spec, i) => {
      const at = names.indexOf(spec.name);
      if (at < 0) {
        problems.add(`${path}.${field}[${i}].name`, `the model has no ${field.slice(0, -1)} "${spec.name}"; it has: ${names.join(", ")}`);
        return;
      }
      const m = meta?.[at] as { isTensor?: boolean; type?: string; shape?: (number | string)[] } | undefined;
      if (m?.isTensor && m.type && ORT_TYPE[normalizeType(spec.type)] !== m.type) problems.add(`${path}.${field}[${i}].type`, `declared ${spec.type} but the model's ${spec.name} is ${m.type}`);
      if (m?.isTensor && m.shape && m.shape.length !== spec.shape.length) problems.add(`${path}.${field}[${i}].shape`, `declared rank ${spec.shape.length} but the model's ${spec.name} has rank ${m.shape.length}`);
      m?.shape?.forEach((d, j) => {
        const want = spec.shape[j];
        if (typeof d === "number" && d > 0 && want !== undefined && want > 0 && want !== d) problems.add(`${path}.${field}[${i}].shape[${j}]`, `declared ${want} but the model has ${d}`);
      });
    });
    if (field === "inputs") {
      for (const name of names) if (!declared.some((s) => s.name === name)) problems.add(`${path}.inputs`, `the model's input "${name}" is not declared`);
    }
  };
  compare(input.inputs, session.inputNames, session.inputMetadata, "inputs");
  compare(input.outputs, session.outputNames, session.outputMetadata, "outputs");
}

/**
 * Validates an upload end to end: declaration, loadability, signature, and a probe run.
 * Returns the bytes and the loaded session, or throws a UserInputError naming every problem.
 */
export async function validateUpload(input: UploadDeclaration, path = "input"): Promise<{ bytes: Uint8Array; session: ort.InferenceSession }> {
  const problems = new ProblemCollector();
  const bytes = checkDeclaration(input, problems, path);
  problems.throwIfAny();
  let session: ort.InferenceSession;
  try {
    session = await loadSession(bytes!);
  } catch (error) {
    throw UserInputError.single(`${path}.onnxBase64`, `is not a loadable ONNX model: ${firstLine(error)}`);
  }
  compareSignature(session, input, problems, path);
  if (!problems.ok) {
    await session.release().catch(() => undefined);
    problems.throwIfAny();
  }
  try {
    const out = await probeRun(session, input.inputs);
    input.outputs.forEach((spec, i) => {
      const tensor = out[spec.name] as ort.Tensor | undefined;
      if (!tensor) problems.add(`${path}.outputs[${i}].name`, `the probe run produced no "${spec.name}"`);
      else if (tensor.dims.length !== spec.shape.length) problems.add(`${path}.outputs[${i}].shape`, `the probe run produced rank ${tensor.dims.length}, declared ${spec.shape.length}`);
    });
  } catch (error) {
    problems.add(`${path}.onnxBase64`, `the probe run with zero inputs of the declared shapes failed: ${firstLine(error)}`);
  }
  if (!problems.ok) {
    await session.release().catch(() => undefined);
    problems.throwIfAny();
  }
  return { bytes: bytes!, session };
}
