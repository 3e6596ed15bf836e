import type { DataSource } from "typeorm";
import { MODEL_REGISTRY, MODEL_TRAINERS } from "../../src/models/models.module";
import { runTraining } from "../../src/models/train-job";
import { CONSENT } from "../../src/privacy/consent.module";
import { ConsentPurpose, ConsentStatus } from "../../src/privacy/consent.entity";
import { PREDICTIONS } from "../../src/predictions/predictions.module";
import { DRIFT_JOB, SCORE_JOB, refreshAll, scoreWorkspace } from "../../src/predictions/predictions.jobs";
import { NO_CONSENT_REASON } from "../../src/predictions/predictions.service";
import { predictRow, type PredictionModel } from "../../src/predictions/training/fit";
import { startTestApp, type TestApp, type TestWorkspace } from "../support/test-app";
import { insertEvents, insertProfiles, simulateShop } from "../bench/support/predictions-data";

const QUERY = `query($id: ID!) { profile(id: $id) { id predictions {
  available reasons purchasePropensity churnRisk
  bestSendTime { hourOfWeek localTime timezone confidence source observations }
  models { kind score modelVersion modelVersionId algorithm horizonDays why { feature value contribution } }
} } }`;

type Predictions = {
  available: boolean;
  reasons: string[];
  purchasePropensity: number | null;
  churnRisk: number | null;
  bestSendTime: { hourOfWeek: number; localTime: string; timezone: string; confidence: number; source: string; observations: number } | null;
  models: { kind: string; score: number; modelVersion: number; modelVersionId: string; algorithm: string; horizonDays: number; why: { feature: string; value: number; contribution: number }[] }[];
};

describe("predictions served through ONNX", () => {
  let t: TestApp;
  let db: DataSource;
  let ws: TestWorkspace;
  let ids: string[];
  const control = { jobId: null, progress: async () => undefined, signal: new AbortController().signal };

  const train = async (kind: string, params: Record<string, unknown>) => {
    const { kernel, registry } = t.app.runtime;
    const deps = { registry: registry.get(MODEL_REGISTRY), trainers: registry.get(MODEL_TRAINERS), dataSource: db, logger: kernel.logger, clock: kernel.clock };
    return runTraining(deps, ws.id, { kind, params, activate: true, by: "test" }, control);
  };

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.runtime.kernel.dataSource;
    ws = await t.createWorkspace("pred");
    ids = await insertProfiles(db, ws.id, 300, { timezone: "Europe/Berlin" });
    await insertEvents(db, ws.id, simulateShop(ids, new Date(), 300, 3));
  });
  afterAll(() => t.stop());

  it("should explain why there is no score when no model is active", async () => {
    const res = await t.gql<{ profile: { predictions: Predictions } }>(QUERY, { id: ids[0] }, ws.keys.analyst);
    expect(res.errors).toBeUndefined();
    const p = res.data!.profile.predictions;
    expect(p).toMatchObject({ available: true, purchasePropensity: null, churnRisk: null, models: [] });
    expect(p.reasons.join(" ")).toContain("No active PURCHASE_PROPENSITY model");
  });

  it("should train both kinds as jobs' work and store metrics in the registry", async () => {
    const propensity = await train("PURCHASE_PROPENSITY", { horizonDays: 30, cutoffs: 3 });
    expect(propensity.status).toBe("active");
    const metrics = propensity.metrics as { rocAuc: number; prAuc: number; brier: number; calibration: unknown[]; importances: Record<string, number>; baselineRocAuc: number };
    expect(metrics.rocAuc).toBeGreaterThan(0.6);
    expect(metrics.calibration).toHaveLength(10);
    expect(Object.keys(metrics.importances)).toContain("recency_days");
    expect(typeof metrics.baselineRocAuc).toBe("number");
    const churn = await train("CHURN_RISK", { horizonDays: 30, algorithm: "logistic", activeDays: 120 });
    expect(churn.params).toMatchObject({ algorithm: "logistic", activeDays: 120 });
  });

  it("should reject bad training params naming each field", async () => {
    await expect(train("PURCHASE_PROPENSITY", { horizonDays: 0, algorithm: "forest" })).rejects.toMatchObject({
      problems: [
        { path: "input.params.horizonDays", message: expect.stringContaining("integer") },
        { path: "input.params.algorithm", message: expect.stringContaining("auto, logistic, gbdt, blend") },
      ],
    });
  });

  it("should give the TypeScript model's score with version and why when the profile field is queried", async () => {
    const service = t.app.runtime.registry.get(PREDICTIONS);
    const buyers = ids.slice(0, 20);
    const responses = await Promise.all(buyers.map((id) => t.gql<{ profile: { predictions: Predictions } }>(QUERY, { id }, ws.keys.analyst)));
    const features = await service.features(ws.id, buyers);
    const active = await service.activeModel(ws.id, "PURCHASE_PROPENSITY");
    let scored = 0;
    responses.forEach((res, i) => {
      expect(res.errors).toBeUndefined();
      const p = res.data!.profile.predictions;
      if (p.purchasePropensity === null) return;
      scored++;
      const expected = predictRow(active!.model as PredictionModel, features.get(buyers[i])!.vector);
      expect(p.purchasePropensity).toBeCloseTo(expected, 5);
      const detail = p.models.find((m) => m.kind === "PURCHASE_PROPENSITY")!;
      expect(detail).toMatchObject({ modelVersion: active!.version.version, modelVersionId: active!.version.id, horizonDays: 30 });
      expect(detail.why).toHaveLength(3);
      expect(Math.abs(detail.why[0].contribution)).toBeGreaterThanOrEqual(Math.abs(detail.why[2].contribution));
      expect(p.bestSendTime).toMatchObject({ timezone: "Europe/Berlin", source: "none" });
    });
    expect(scored).toBeGreaterThan(10);
  });

  it("should answer a batch in key order when several profiles are asked at once", async () => {
    const service = t.app.runtime.registry.get(PREDICTIONS);
    const batch = await service.predict(ws.id, ids.slice(0, 50));
    const single = await service.predict(ws.id, [ids[7]]);
    expect(batch.get(ids[7])!.purchasePropensity).toBeCloseTo(single.get(ids[7])!.purchasePropensity!, 6);
    expect([...batch.keys()]).toEqual(ids.slice(0, 50));
  });

  it("should answer a repeat request from memory and see the person's next purchase when the answer is cached", async () => {
    const service = t.app.runtime.registry.get(PREDICTIONS);
    const track = `mutation($e: [EventInput!]!) { trackEvents(events: $e) { results { profileId } } }`;
    const purchase = (n: number, daysAgo: number) => ({ messageId: `cached-${n}`, type: "purchase", userId: "cached-buyer", occurredAt: new Date(Date.now() - daysAgo * 86_400_000).toISOString(), properties: { orderId: `c${n}`, lineItems: [{ itemId: "i1", quantity: 1, price: 20 }] } });
    const first = await t.gql<{ trackEvents: { results: { profileId: string }[] } }>(track, { e: [purchase(1, 40)] }, ws.keys.ingest);
    const p = first.data!.trackEvents.results[0].profileId;
    const consent = t.app.runtime.registry.get(CONSENT);
    const allowed = jest.spyOn(consent, "allowed");
    try {
      const before = (await service.predict(ws.id, [p])).get(p)!;
      expect(before.purchasePropensity).not.toBeNull();
      expect(allowed).toHaveBeenCalledTimes(1);
      // A repeat (another request, or the GraphQL field) is answered from memory: no consent, feature or model work.
      const again = await t.gql<{ profile: { predictions: Predictions } }>(QUERY, { id: p }, ws.keys.analyst);
      expect(again.data!.profile.predictions.purchasePropensity).toBeCloseTo(before.purchasePropensity!, 6);
      expect(allowed).toHaveBeenCalledTimes(1);
      await t.gql(track, { e: [purchase(2, 1)] }, ws.keys.ingest);
      const after = (await service.predict(ws.id, [p])).get(p)!;
      expect(allowed).toHaveBeenCalledTimes(2);
      const features = (await service.features(ws.id, [p])).get(p)!;
      expect(features.aggregates.orders).toBe(2);
      const active = await service.activeModel(ws.id, "PURCHASE_PROPENSITY");
      expect(after.purchasePropensity).toBeCloseTo(predictRow(active!.model as PredictionModel, features.vector), 5);
      // Concurrent asks share one computation, unless the profile changed meanwhile (that one may have read before the change).
      service.invalidateProfile(ws.id, p);
      const shared = await Promise.all([service.predict(ws.id, [p]), service.predict(ws.id, [p])]);
      expect(shared[0].get(p)).toBe(shared[1].get(p));
      service.invalidateProfile(ws.id, p);
      const early = service.predict(ws.id, [p]);
      await new Promise((r) => setImmediate(r)); // its batch has started reading
      service.invalidateProfile(ws.id, p);
      const late = service.predict(ws.id, [p]);
      expect((await early).get(p)).not.toBe((await late).get(p));
    } finally {
      allowed.mockRestore();
    }
  });

  it("should withhold predictions with a clear reason when profiling consent is denied", async () => {
    await t.app.runtime.registry.get(CONSENT).set(ws.id, ids[1], [{ purpose: ConsentPurpose.PROFILING, status: ConsentStatus.DENIED }]);
    const res = await t.gql<{ profile: { predictions: Predictions } }>(QUERY, { id: ids[1] }, ws.keys.analyst);
    expect(res.data!.profile.predictions).toEqual({ available: false, reasons: [NO_CONSENT_REASON], purchasePropensity: null, churnRisk: null, bestSendTime: null, models: [] });
    // Serving computes no features from a person who said no (the SQL skips them while consent is asked in parallel).
    const service = t.app.runtime.registry.get(PREDICTIONS);
    const served = await service.features(ws.id, [ids[1], ids[2]], new Date(), { consentedOnly: true });
    expect([...served.keys()]).toEqual([ids[2]]);
    expect((await service.features(ws.id, [ids[1]])).has(ids[1])).toBe(true);
  });

  it("should pick the person's local hour of opens when they have an email history", async () => {
    const [reader] = await insertProfiles(db, ws.id, 1, { timezone: "America/New_York" });
    // Eight opens on recent Thursdays at 07:00 New York time (11:00 or 12:00 UTC, by daylight saving).
    const opens = Array.from({ length: 8 }, (_, k) => {
      const day = new Date(Date.now() - (k + 1) * 7 * 86_400_000);
      const local = new Date(`${day.toISOString().slice(0, 10)}T12:00:00Z`);
      const offsetHours = Number(new Intl.DateTimeFormat("en-US", { timeZone: "America/New_York", hour: "numeric", hourCycle: "h23" }).format(local)) - 12;
      const thursday = new Date(local.getTime() + (((4 - local.getUTCDay() + 7) % 7) * 86_400_000) - 7 * 86_400_000);
      return { profileId: reader, type: "email_open", at: new Date(thursday.getTime() + (7 - 12 - offsetHours) * 3600_000) };
    });
    await insertEvents(db, ws.id, opens);
    const res = await t.gql<{ profile: { predictions: Predictions } }>(QUERY, { id: reader }, ws.keys.analyst);
    expect(res.errors).toBeUndefined();
    // Thursday 07:00 = hour 3·24 + 7 = 79 of the week; eight own opens outweigh the prior (worth 5 opens) wherever it points.
    expect(res.data!.profile.predictions.bestSendTime).toMatchObject({ hourOfWeek: 79, localTime: "Thu 07:00", timezone: "America/New_York", source: "profile", observations: 8 });
    expect(res.data!.profile.predictions.bestSendTime!.confidence).toBeGreaterThan(0.5);
  });

  it("should refuse the field when the key's role may not read profiles", async () => {
    const res = await t.gql(QUERY, { id: ids[0] }, ws.keys.ingest);
    expect(res.errors?.[0].extensions?.code).toBe("FORBIDDEN");
  });

  it("should write the latest scores to computed traits when batch scoring runs", async () => {
    const service = t.app.runtime.registry.get(PREDICTIONS);
    const result = await scoreWorkspace(db, service, { workspaceId: ws.id, progress: async () => undefined, signal: new AbortController().signal });
    const [{ n }] = await db.query(`SELECT COUNT(*)::int AS n FROM profiles WHERE workspace_id = $1`, [ws.id]);
    expect(result.profiles).toBe(n);
    expect(result.scored.purchase_propensity).toBeGreaterThan(200);
    const rows: { id: string; computed: Record<string, number> }[] = await db.query(`SELECT id, computed FROM profiles WHERE workspace_id = $1 AND id = ANY($2)`, [ws.id, [ids[0], ids[1]]]);
    const byId = new Map(rows.map((r) => [r.id, r.computed]));
    const live = (await service.predict(ws.id, [ids[0]])).get(ids[0])!;
    if (live.purchasePropensity !== null) expect(byId.get(ids[0])!.purchase_propensity).toBeCloseTo(live.purchasePropensity, 6);
    // No consent: no stored score either.
    expect(byId.get(ids[1])!.purchase_propensity).toBeUndefined();
  });

  it("should report low drift right after training and high drift when the population shifts", async () => {
    const health = await t.gql<{ modelHealth: { kind: string; predictionPsi: number; drifted: boolean; features: { feature: string; psi: number }[]; windowProfiles: number }[] }>(
      `{ modelHealth(kind: "PURCHASE_PROPENSITY") { kind predictionPsi drifted windowProfiles features { feature psi } } }`,
      {},
      ws.keys.analyst,
    );
    expect(health.errors).toBeUndefined();
    const before = health.data!.modelHealth[0];
    expect(before.windowProfiles).toBeGreaterThan(100);
    // A flood of recent purchases moves the recent-activity features far from the training snapshot.
    const flood = ids.flatMap((id) => Array.from({ length: 8 }, (_, k) => ({ profileId: id, type: "purchase", at: new Date(Date.now() - (k + 1) * 3600_000), revenue: 5000, itemIds: ["bulk"] })));
    await insertEvents(db, ws.id, flood);
    const after = await t.gql<{ modelHealth: { predictionPsi: number; drifted: boolean; features: { feature: string; psi: number }[] }[] }>(
      `{ modelHealth(kind: "PURCHASE_PROPENSITY") { predictionPsi drifted features { feature psi } } }`,
      {},
      ws.keys.analyst,
    );
    const shifted = after.data!.modelHealth[0];
    expect(shifted.drifted).toBe(true);
    expect(shifted.features.find((f) => f.feature === "orders_14d")!.psi).toBeGreaterThan(0.2);
    expect(shifted.predictionPsi).toBeGreaterThan(before.predictionPsi);
  });

  it("should queue scoring and a retraining drift check per active model when the scheduled refresh runs", async () => {
    const queued: { kind: string; workspaceId: string; params: unknown }[] = [];
    await refreshAll(db, async (kind, workspaceId, params) => (queued.push({ kind, workspaceId, params }), "job"));
    const mine = queued.filter((q) => q.workspaceId === ws.id);
    expect(mine).toEqual([
      { kind: SCORE_JOB, workspaceId: ws.id, params: {} },
      { kind: DRIFT_JOB, workspaceId: ws.id, params: { kind: expect.stringMatching(/^(PURCHASE_PROPENSITY|CHURN_RISK)$/), retrain: true, by: "schedule" } },
      { kind: DRIFT_JOB, workspaceId: ws.id, params: { kind: expect.stringMatching(/^(PURCHASE_PROPENSITY|CHURN_RISK)$/), retrain: true, by: "schedule" } },
    ]);
  });

  it("should name the field when modelHealth gets an unknown kind", async () => {
    const res = await t.gql(`{ modelHealth(kind: "ALS") { kind } }`, {}, ws.keys.analyst);
    expect(res.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    expect(JSON.stringify(res.errors?.[0].extensions)).toContain("kind");
  });

  it("should not leak another workspace's predictions", async () => {
    const other = await t.createWorkspace("other");
    const res = await t.gql<{ profile: unknown }>(QUERY, { id: ids[0] }, other.keys.analyst);
    expect(res.data?.profile ?? null).toBeNull();
  });
});
