import { GraphBuilder } from "../../src/models/onnx/graph-builder";
import { MODEL_REGISTRY } from "../../src/models/models.module";
import { startTestApp, type TestApp, type TestWorkspace } from "../support/test-app";

/** A tiny valid model: y = x · w (x: [batch, 3]). */
function linearModel(w: number[]): Uint8Array {
  const g = new GraphBuilder({ name: "linear" });
  g.input("x", "float", ["batch", 3]);
  g.initializer("w", "float", [3, 1], w);
  g.op("MatMul", ["x", "w"], {}, "y");
  g.output("y", "float", ["batch", 1]);
  return g.build();
}

const MODEL_FIELDS = "id kind version status source sha256 sizeBytes activatedBy previousVersionId signature";
const UPLOAD = `mutation($input: UploadModelInput!) { uploadModel(input: $input) { model { ${MODEL_FIELDS} } } }`;
const spec = (name: string, shape: number[], type = "float32") => ({ name, type, shape });

describe("model registry", () => {
  let t: TestApp;
  let ws: TestWorkspace;

  beforeAll(async () => {
    t = await startTestApp();
    ws = await t.createWorkspace("models");
  });
  afterAll(() => t.stop());

  it("should stage, activate and roll back versions with one active per kind when driven through GraphQL", async () => {
    const registry = t.app.runtime.registry.get(MODEL_REGISTRY);
    const v1 = await registry.stage({ workspaceId: ws.id, kind: "SCORER", params: { a: 1 }, onnx: linearModel([1, 2, 3]), metrics: { auc: 0.7 } });
    const v2 = await registry.stage({ workspaceId: ws.id, kind: "SCORER", params: { a: 2 }, onnx: linearModel([3, 2, 1]) });
    expect([v1.version, v2.version]).toEqual([1, 2]);
    expect(v1.signature.inputs).toEqual([{ name: "x", type: "float32", shape: [-1, 3] }]);
    const act = `mutation($id: ID!) { activateModel(input: { id: $id }) { model { ${MODEL_FIELDS} } } }`;
    const a1 = await t.gql<{ activateModel: { model: { status: string } } }>(act, { id: v1.id }, ws.keys.editor);
    expect(a1.errors).toBeUndefined();
    expect(a1.data!.activateModel.model.status).toBe("ACTIVE");
    await t.gql(act, { id: v2.id }, ws.keys.editor);
    expect((await registry.active(ws.id, "SCORER"))!.id).toBe(v2.id);
    const listed = await t.gql<{ models: { edges: { node: { id: string; status: string } }[] } }>(`{ models(kind: "SCORER") { edges { node { id status } } } }`, {}, ws.keys.analyst);
    expect(listed.data!.models.edges.map((e) => e.node.status)).toEqual(["ACTIVE", "RETIRED"]);
    const rb = await t.gql<{ rollbackModel: { model: { id: string; status: string } } }>(`mutation { rollbackModel(input: { kind: "SCORER" }) { model { id status } } }`, {}, ws.keys.editor);
    expect(rb.data!.rollbackModel.model).toEqual({ id: v1.id, status: "ACTIVE" });
    expect((await registry.active(ws.id, "SCORER"))!.id).toBe(v1.id);
    const again = await t.gql(`mutation { rollbackModel(input: { kind: "SCORER" }) { model { id } } }`, {}, ws.keys.editor);
    expect(again.errors![0].extensions!.code).toBe("CONFLICT");
    const session = await registry.session(v1);
    expect(session).toBe(await registry.session(v1));
  });

  it("should be FORBIDDEN to activate for analysts and NOT_FOUND for another workspace's version", async () => {
    const other = await t.createWorkspace("models-other");
    const registry = t.app.runtime.registry.get(MODEL_REGISTRY);
    const v = await registry.stage({ workspaceId: other.id, kind: "SCORER", params: {}, onnx: linearModel([1, 1, 1]) });
    const act = `mutation($id: ID!) { activateModel(input: { id: $id }) { model { id } } }`;
    expect((await t.gql(act, { id: v.id }, ws.keys.analyst)).errors![0].extensions!.code).toBe("FORBIDDEN");
    expect((await t.gql(act, { id: v.id }, ws.keys.editor)).errors![0].extensions!.code).toBe("NOT_FOUND");
    expect((await t.gql(`query($id: ID!) { model(id: $id) { id } }`, { id: v.id }, ws.keys.analyst)).errors![0].extensions!.code).toBe("NOT_FOUND");
  });

  it("should upload and activate a valid bring-your-own model when its signature matches", async () => {
    const onnxBase64 = Buffer.from(linearModel([0.5, 0.5, 0.5])).toString("base64");
    const res = await t.gql<{ uploadModel: { model: { status: string; source: string; kind: string } } }>(UPLOAD, { input: { kind: "CHURN_BYO", onnxBase64, inputs: [spec("x", [-1, 3])], outputs: [spec("y", [-1, 1])], featureMapping: { x: ["recency", "frequency", "monetary"] }, activate: true } }, ws.keys.editor);
    expect(res.errors).toBeUndefined();
    expect(res.data!.uploadModel.model).toMatchObject({ status: "ACTIVE", source: "uploaded", kind: "CHURN_BYO" });
  });

  it("should reject bad uploads with the field path and store nothing when the file or signature is wrong", async () => {
    const good = Buffer.from(linearModel([1, 1, 1])).toString("base64");
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ onnxBase64: Buffer.from("not an onnx model at all, sorry").toString("base64") }, "input.onnxBase64", /not a loadable ONNX model/],
      [{ inputs: [spec("features", [-1, 3])] }, "input.inputs[0].name", /no input "features"/],
      [{ inputs: [spec("x", [-1, 3], "int64")] }, "input.inputs[0].type", /declared int64/],
      [{ inputs: [spec("x", [-1, 4])] }, "input.inputs[0].shape[1]", /declared 4 but the model has 3/],
      [{ outputs: [spec("score", [-1, 1])] }, "input.outputs[0].name", /no output "score"/],
      [{ kind: "lower case" }, "input.kind", /UPPER_SNAKE_CASE/],
    ];
    for (const [patch, path, message] of cases) {
      const input = { kind: "BAD_BYO", onnxBase64: good, inputs: [spec("x", [-1, 3])], outputs: [spec("y", [-1, 1])], activate: true, ...patch };
      const res = await t.gql(UPLOAD, { input }, ws.keys.editor);
      expect(res.errors![0].extensions!.code).toBe("BAD_USER_INPUT");
      const problems = res.errors![0].extensions!.problems as { path: string; message: string }[];
      expect(problems.some((p) => p.path === path && message.test(p.message))).toBe(true);
    }
    const listed = await t.gql<{ models: { edges: unknown[] } }>(`{ models(kind: "BAD_BYO") { edges { node { id } } } }`, {}, ws.keys.analyst);
    expect(listed.data!.models.edges).toHaveLength(0);
  });
});
