import type { DataSource } from "typeorm";
import { MODEL_REGISTRY, MODEL_TRAINERS } from "../../src/models/models.module";
import { runTraining } from "../../src/models/train-job";
import { startTestApp, type TestApp, type TestWorkspace } from "../support/test-app";
import { collect, wsClient } from "../support/ws-client";
import { insertEvents, insertProfiles, simulateShop } from "../bench/support/predictions-data";

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 40_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > until) throw new Error(`condition not met: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("prediction drift", () => {
  let t: TestApp;
  let db: DataSource;
  let ws: TestWorkspace;
  let ids: string[];

  beforeAll(async () => {
    t = await startTestApp({ KINDRED_RUN_WORKER: "true" });
    db = t.app.runtime.kernel.dataSource;
    ws = await t.createWorkspace("drift");
    ids = await insertProfiles(db, ws.id, 250);
    await insertEvents(db, ws.id, simulateShop(ids, new Date(), 300, 21));
    const { kernel, registry } = t.app.runtime;
    const deps = { registry: registry.get(MODEL_REGISTRY), trainers: registry.get(MODEL_TRAINERS), dataSource: db, logger: kernel.logger, clock: kernel.clock };
    await runTraining(deps, ws.id, { kind: "PURCHASE_PROPENSITY", params: { algorithm: "logistic" }, activate: true, by: "test" }, { jobId: null, progress: async () => undefined, signal: new AbortController().signal });
  });
  afterAll(() => t.stop());

  it("should alert subscribers and retrain only to an at-least-as-good version when PSI passes 0.2", async () => {
    const { client } = wsClient(t.url, ws.keys.analyst);
    const alerts = collect<{ modelDriftDetected: { kind: string; predictionPsi: number; maxFeaturePsi: number; driftedFeatures: string[]; threshold: number } }>(
      client,
      `subscription { modelDriftDetected { kind predictionPsi maxFeaturePsi driftedFeatures threshold } }`,
    );
    // Give the subscription time to register before anything is published.
    await new Promise((r) => setTimeout(r, 300));
    const flood = ids.flatMap((id) => Array.from({ length: 6 }, (_, k) => ({ profileId: id, type: "purchase", at: new Date(Date.now() - (k + 1) * 3600_000), revenue: 4000, itemIds: ["bulk"] })));
    await insertEvents(db, ws.id, flood);
    const started = await t.gql<{ checkModelDrift: { jobId: string } }>(`mutation { checkModelDrift(input: { kind: "PURCHASE_PROPENSITY", retrain: true }) { jobId } }`, {}, ws.keys.editor);
    expect(started.errors).toBeUndefined();
    await alerts.next(1, 40_000);
    const alert = alerts.received[0].modelDriftDetected;
    expect(alert).toMatchObject({ kind: "PURCHASE_PROPENSITY", threshold: 0.2 });
    expect(alert.maxFeaturePsi).toBeGreaterThan(0.2);
    expect(alert.driftedFeatures).toContain("orders_14d");
    const job = await waitFor(
      () => t.gql<{ job: { status: string; result: { drifted: boolean; retrained: { activated: boolean; newRocAuc: number; oldRocAuc: number | null; version: number } } } }>(`query($id: ID!) { job(id: $id) { status result } }`, { id: started.data!.checkModelDrift.jobId }, ws.keys.analyst),
      (r) => ["SUCCEEDED", "FAILED", "CANCELLED"].includes(r.data?.job.status ?? ""),
    );
    expect(job.data!.job.status).toBe("SUCCEEDED");
    const { retrained } = job.data!.job.result;
    expect(retrained.version).toBe(2);
    // Activated exactly when the new version is at least as good on the same rows.
    expect(retrained.activated).toBe(retrained.oldRocAuc === null || retrained.newRocAuc >= retrained.oldRocAuc);
    const models = await t.gql<{ models: { edges: { node: { version: number; status: string } }[] } }>(`{ models(first: 10, kind: "PURCHASE_PROPENSITY") { edges { node { version status } } } }`, {}, ws.keys.analyst);
    const v2 = models.data!.models.edges.find((e) => e.node.version === 2)!.node;
    expect(v2.status).toBe(retrained.activated ? "ACTIVE" : "STAGED");
    alerts.dispose();
    await client.dispose();
  });

  it("should refuse drift checks when the key may not edit models", async () => {
    const res = await t.gql(`mutation { checkModelDrift(input: { kind: "PURCHASE_PROPENSITY" }) { jobId } }`, {}, ws.keys.analyst);
    expect(res.errors?.[0].extensions?.code).toBe("FORBIDDEN");
  });
});
