import * as ort from "onnxruntime-node";
import { GraphBuilder, readInitializer, readMetadata } from "./graph-builder";

describe("GraphBuilder", () => {
  it("should build a MatMul + TopK graph that scores like plain TypeScript when run in onnxruntime", async () => {
    const items = Float32Array.from([1, 0, 0.5, 2, 0, 1, 1, -1]); // [2 factors, 4 items]
    const g = new GraphBuilder({ name: "mf", opsets: { "ai.onnx.ml": 3 } });
    g.input("user", "float", ["batch", 2]);
    g.input("k", "int64", [1]);
    g.initializer("items", "float", [2, 4], items);
    const scores = g.op("MatMul", ["user", "items"]);
    g.node("TopK", [scores, "k"], ["values", "indices"], { axis: 1, largest: 1, sorted: 1 });
    g.output("values", "float", ["batch", "k"]);
    g.output("indices", "int64", ["batch", "k"]);
    g.meta("item_ids", JSON.stringify(["a", "b", "c", "d"]));
    const bytes = g.build();
    const session = await ort.InferenceSession.create(bytes);
    const user = Float32Array.from([0.5, 2, 1, 1]);
    const out = await session.run({ user: new ort.Tensor("float32", user, [2, 2]), k: new ort.Tensor("int64", BigInt64Array.from([2n]), [1]) });
    for (let b = 0; b < 2; b++) {
      const ref = [0, 1, 2, 3].map((j) => user[b * 2] * items[j] + user[b * 2 + 1] * items[4 + j]);
      const order = [0, 1, 2, 3].sort((x, y) => ref[y] - ref[x]).slice(0, 2);
      expect(Array.from((out.indices.data as BigInt64Array).slice(b * 2, b * 2 + 2), Number)).toEqual(order);
      (out.values.data as Float32Array).slice(b * 2, b * 2 + 2).forEach((v, i) => expect(v).toBeCloseTo(ref[order[i]], 5));
    }
    expect(Array.from(readInitializer(bytes, "items").data as Float32Array)).toEqual(Array.from(items));
    expect(readMetadata(bytes).item_ids).toBe('["a","b","c","d"]');
    await session.release();
  });

  it("should refuse an initializer when the data does not fill its dims", () => {
    const g = new GraphBuilder({ name: "bad" });
    expect(() => g.initializer("w", "float", [2, 3], [1, 2])).toThrow(/2 values for dims \[2,3\]/);
  });
});
