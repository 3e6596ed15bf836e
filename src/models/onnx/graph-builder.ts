import { onnx } from "onnx-proto";

/** Element types the builder can declare (ONNX TensorProto.DataType). */
export type TensorType = "float" | "double" | "int64" | "int32" | "bool" | "string";

const DATA_TYPE: Record<TensorType, number> = { float: 1, int32: 6, int64: 7, string: 8, bool: 9, double: 11 };

/** A dimension: a fixed size or a symbolic name (batch, items …). */
export type Dim = number | string;

/** Attribute values a node may carry. */
export type AttributeValue = number | string | number[] | string[] | Float32Array | { float: number } | { ints: number[] } | { floats: number[] };

/** Typed data of an initializer. */
export type TensorData = Float32Array | Float64Array | Int32Array | BigInt64Array | number[];

export interface GraphOptions {
  name: string;
  /** Extra opset imports besides the default domain (e.g. `{ "ai.onnx.ml": 3 }`). */
  opsets?: Record<string, number>;
  producer?: string;
  docString?: string;
}

export const DEFAULT_OPSET = 17;
export const IR_VERSION = 8;

/** Raw little-endian bytes of a typed array (ONNX rawData is little-endian; so are x86 and ARM). */
function rawBytes(data: Float32Array | Float64Array | Int32Array | BigInt64Array): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
}

/** Builds an ONNX ModelProto in code: initializers, nodes, inputs/outputs, opset imports. */
export class GraphBuilder {
  private readonly nodes: onnx.INodeProto[] = [];
  private readonly initializers: onnx.ITensorProto[] = [];
  private readonly inputs: onnx.IValueInfoProto[] = [];
  private readonly outputs: onnx.IValueInfoProto[] = [];
  private readonly metadata: onnx.IStringStringEntryProto[] = [];
  private counter = 0;

  constructor(private readonly options: GraphOptions) {}

  /** A fresh intermediate value name. */
  tmp(prefix = "t"): string {
    return `${prefix}_${this.counter++}`;
  }

  input(name: string, type: TensorType, dims: Dim[]): string {
    this.inputs.push(valueInfo(name, type, dims));
    return name;
  }

  output(name: string, type: TensorType, dims: Dim[]): string {
    this.outputs.push(valueInfo(name, type, dims));
    return name;
  }

  /** Adds a constant tensor; float32/int64/int32/double go as rawData. */
  initializer(name: string, type: TensorType, dims: number[], data: TensorData): string {
    const size = dims.reduce((a, b) => a * b, 1);
    if (data.length !== size) throw new Error(`initializer ${name}: ${data.length} values for dims [${dims.join(",")}] (${size})`);
    const typed = toTyped(type, data);
    this.initializers.push({ name, dataType: DATA_TYPE[type], dims, rawData: rawBytes(typed) });
    return name;
  }

  /** Adds a node; returns its first output name. */
  node(opType: string, inputs: string[], outputs: string[] | number = 1, attributes: Record<string, AttributeValue> = {}, domain = ""): string[] {
    const outs = typeof outputs === "number" ? Array.from({ length: outputs }, () => this.tmp(opType.toLowerCase())) : outputs;
    this.nodes.push({
      opType,
      domain,
      name: `${opType}_${this.counter++}`,
      input: inputs,
      output: outs,
      attribute: Object.entries(attributes).map(([key, value]) => attribute(key, value)),
    });
    return outs;
  }

  /** Shorthand for a single-output node. */
  op(opType: string, inputs: string[], attributes: Record<string, AttributeValue> = {}, output?: string, domain = ""): string {
    return this.node(opType, inputs, output ? [output] : 1, attributes, domain)[0];
  }

  meta(key: string, value: string): this {
    this.metadata.push({ key, value });
    return this;
  }

  /** Serializes the model (IR 8, opset 17 + extra domains). */
  build(): Uint8Array {
    const opsetImport: onnx.IOperatorSetIdProto[] = [{ domain: "", version: DEFAULT_OPSET }];
    for (const [domain, version] of Object.entries(this.options.opsets ?? {})) opsetImport.push({ domain, version });
    const model = onnx.ModelProto.create({
      irVersion: IR_VERSION,
      producerName: this.options.producer ?? "kindred",
      producerVersion: "1",
      docString: this.options.docString ?? "",
      opsetImport,
      metadataProps: this.metadata,
      graph: { name: this.options.name, node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

function toTyped(type: TensorType, data: TensorData): Float32Array | Float64Array | Int32Array | BigInt64Array {
  switch (type) {
    case "float":
      return data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>);
    case "double":
      return data instanceof Float64Array ? data : Float64Array.from(data as ArrayLike<number>);
    case "int32":
      return data instanceof Int32Array ? data : Int32Array.from(data as ArrayLike<number>);
    case "int64":
      return data instanceof BigInt64Array ? data : BigInt64Array.from(Array.from(data as ArrayLike<number>, (v) => BigInt(v)));
    default:
      throw new Error(`initializers of type ${type} are not supported`);
  }
}

function valueInfo(name: string, type: TensorType, dims: Dim[]): onnx.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType: DATA_TYPE[type], shape: { dim: dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) } } },
  };
}

function attribute(name: string, value: AttributeValue): onnx.IAttributeProto {
  const A = onnx.AttributeProto.AttributeType;
  if (typeof value === "number") return Number.isInteger(value) ? { name, type: A.INT, i: value } : { name, type: A.FLOAT, f: value };
  if (typeof value === "string") return { name, type: A.STRING, s: new TextEncoder().encode(value) };
  if (value instanceof Float32Array) return { name, type: A.FLOATS, floats: Array.from(value) };
  if (Array.isArray(value)) {
    if (value.length && typeof value[0] === "string") return { name, type: A.STRINGS, strings: (value as string[]).map((s) => new TextEncoder().encode(s)) };
    return { name, type: A.INTS, ints: value as number[] };
  }
  if ("float" in value) return { name, type: A.FLOAT, f: value.float };
  if ("floats" in value) return { name, type: A.FLOATS, floats: value.floats };
  return { name, type: A.INTS, ints: value.ints };
}

/** Reads a float or int64 initializer back out of a serialized model (for fold-in and reference checks). */
export function readInitializer(bytes: Uint8Array, name: string): { dims: number[]; data: Float32Array | BigInt64Array } {
  const model = onnx.ModelProto.decode(bytes);
  const tensor = model.graph?.initializer?.find((t) => t.name === name);
  if (!tensor) throw new Error(`initializer ${name} is not in the model`);
  const dims = (tensor.dims ?? []).map(Number);
  const raw = tensor.rawData!;
  // protobufjs may hand back a view into a pooled Buffer: copy into an aligned buffer of our own
  const own = new Uint8Array(raw.byteLength);
  own.set(raw);
  const copy = own.buffer;
  if (tensor.dataType === DATA_TYPE.float) return { dims, data: new Float32Array(copy, 0, raw.byteLength / 4) };
  if (tensor.dataType === DATA_TYPE.int64) return { dims, data: new BigInt64Array(copy, 0, raw.byteLength / 8) };
  throw new Error(`initializer ${name} has unsupported type ${tensor.dataType}`);
}

/** Reads the metadata properties of a serialized model. */
export function readMetadata(bytes: Uint8Array): Record<string, string> {
  const model = onnx.ModelProto.decode(bytes);
  return Object.fromEntries((model.metadataProps ?? []).map((p) => [p.key ?? "", p.value ?? ""]));
}
