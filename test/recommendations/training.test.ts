import { MODEL_TRAINERS } from "../../src/models/models.module";
import { recommenderTrainers } from "../../src/recommendations/trainers/rec-trainers";
import { startTestApp, type TestApp, type TestWorkspace } from "../support/test-app";
import { seedCatalog, seedPeople, trainAll } from "./fixtures";

const TRAIN = `mutation($input: TrainModelInput!) { trainModel(input: $input) { jobId } }`;

describe("training recommenders", () => {
  let t: TestApp;
  let ws: TestWorkspace;

  beforeAll(async () => {
    t = await startTestApp();
    ws = await t.createWorkspace("train");
    await seedCatalog(t.app.runtime.kernel.dataSource, ws.id);
    await seedPeople(t.app.runtime.kernel.dataSource, ws.id);
  });
  afterAll(() => t.stop());

  it("should queue a training job and return its id when kind and params are valid", async () => {
    const res = await t.gql<{ trainModel: { jobId: string } }>(TRAIN, { input: { kind: "ALS", params: { factors: 16, alpha: 5 } } }, ws.keys.editor);
    expect(res.errors).toBeUndefined();
    const job = await t.gql<{ job: { kind: string } }>(`query($id: ID!) { job(id: $id) { kind } }`, { id: res.data!.trainModel.jobId }, ws.keys.analyst);
    expect(job.data!.job.kind).toBe("models.train");
  });

  it("should reject unknown kinds and bad params with their field paths when training is asked", async () => {
    const unknown = await t.gql(TRAIN, { input: { kind: "MAGIC" } }, ws.keys.editor);
    expect(unknown.errors![0].extensions!.problems).toEqual([expect.objectContaining({ path: "input.kind", message: expect.stringMatching(/trainable kinds: .*ALS/) })]);
    const bad = await t.gql(TRAIN, { input: { kind: "ALS", params: { factors: 0, nope: 1, eventWeights: { purchase: -1 } } } }, ws.keys.editor);
    const paths = (bad.errors![0].extensions!.problems as { path: string }[]).map((p) => p.path).sort();
    expect(paths).toEqual(["input.params.eventWeights.purchase", "input.params.factors", "input.params.nope"]);
    expect((await t.gql(TRAIN, { input: { kind: "ALS" } }, ws.keys.analyst)).errors![0].extensions!.code).toBe("FORBIDDEN");
  });

  it("should refuse EASE above the configured item count and store nothing", async () => {
    const ease = recommenderTrainers({ easeMaxItems: 5 }).find((d) => d.kind === "EASE")!;
    const k = t.app.runtime.kernel;
    await expect(ease.train({ workspaceId: ws.id, params: {}, dataSource: k.dataSource, logger: k.logger, now: new Date(), progress: async () => undefined, signal: new AbortController().signal })).rejects.toThrow(/exceed the configured maximum of 5/);
    expect(t.app.runtime.registry.get(MODEL_TRAINERS).kinds()).toEqual(expect.arrayContaining(["ALS", "EASE", "ITEM_KNN", "BOUGHT_TOGETHER", "CONTENT", "POPULAR"]));
  });

  it("should store params, training window, data counts and a holdout evaluation beside the popularity baseline", async () => {
    await trainAll(t, ws.id, ["EASE"]);
    const res = await t.gql<{ models: { edges: { node: { kind: string; status: string; params: Record<string, unknown>; dataCounts: Record<string, number>; metrics: { holdout?: { model: Record<string, number>; popular_baseline: Record<string, number> } }; trainingWindowStart: string; trainingWindowEnd: string; sha256: string } }[] } }>(
      `{ models(kind: "EASE") { edges { node { kind status params dataCounts metrics trainingWindowStart trainingWindowEnd sha256 } } } }`,
      {},
      ws.keys.analyst,
    );
    const m = res.data!.models.edges[0].node;
    expect(m.status).toBe("ACTIVE");
    expect(m.params.lambda).toBe(300);
    expect(m.dataCounts.users).toBe(36);
    expect(m.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(new Date(m.trainingWindowEnd).getTime()).toBeGreaterThan(new Date(m.trainingWindowStart).getTime());
    expect(Object.keys(m.metrics.holdout!.model)).toEqual(expect.arrayContaining(["precision_at_10", "recall_at_10", "ndcg_at_10", "map", "hit_rate_at_10", "coverage"]));
    expect(m.metrics.holdout!.popular_baseline).toBeDefined();
  });
});
