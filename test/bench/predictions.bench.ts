import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import * as ort from "onnxruntime-node";
import { Client } from "pg";
import { createLogger } from "../../src/common/logger";
import { loadConfig } from "../../src/config/config";
import { MODEL_REGISTRY, MODEL_TRAINERS } from "../../src/models/models.module";
import { runTraining } from "../../src/models/train-job";
import { FEATURES } from "../../src/predictions/features/feature-set";
import { PREDICTIONS } from "../../src/predictions/predictions.module";
import { predictRow, type PredictionModel } from "../../src/predictions/training/fit";
import { seededRandom } from "../../src/common/random";
import { PREDICTION_INPUT, PREDICTION_OUTPUT } from "../../src/predictions/training/onnx-export";
import { createRuntime } from "../../src/server/kernel-factory";
import type { BenchSuite } from "./run";
import { TRIVIAL_QUERY, load, startBenchServer } from "./support/bench-server";
import { insertEvents, insertProfiles, simulateShop } from "./support/predictions-data";

const PREDICTIONS_QUERY = `query($id: ID!) { profile(id: $id) { predictions { purchasePropensity churnRisk bestSendTime { hourOfWeek localTime confidence } models { kind modelVersion why { feature contribution } } } } }`;

interface Seeded {
  profileIds: string[];
  onnx: Uint8Array;
  model: PredictionModel;
  vectors: number[][];
  trainSeconds: number;
}

/** Seeds a shop, trains and activates both models with Kindred's own trainers, and keeps the pieces the batch part needs. */
async function seed(databaseUrl: string, workspaceId: string, profiles: number, log: (l: string) => void): Promise<Seeded> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  const profileIds = await insertProfiles(client, workspaceId, profiles, { timezone: "Europe/London" });
  const events = simulateShop(profileIds, new Date(), 300, 7);
  // A few opens per profile so best send time has something to say.
  const random = seededRandom(9);
  for (const id of profileIds) for (let k = 0; k < 3; k++) events.push({ profileId: id, type: "email_open", at: new Date(Date.now() - random() * 60 * 86_400_000) });
  await insertEvents(client, workspaceId, events);
  await client.end();
  log(`seeded ${profiles} profiles, ${events.length} events`);
  const env = { DATABASE_URL: databaseUrl, LOG_LEVEL: "warn", KINDRED_DATA_DIR: mkdtempSync(join(tmpdir(), "kindred-bench-")), KINDRED_RUN_WORKER: "false" };
  const runtime = await createRuntime(loadConfig(env), createLogger("warn"), { work: false, startJobs: false });
  try {
    const { kernel, registry } = runtime;
    const deps = { registry: registry.get(MODEL_REGISTRY), trainers: registry.get(MODEL_TRAINERS), dataSource: kernel.dataSource, logger: kernel.logger, clock: kernel.clock };
    const control = { jobId: null, progress: async () => undefined, signal: new AbortController().signal };
    const started = Date.now();
    const version = await runTraining(deps, workspaceId, { kind: "PURCHASE_PROPENSITY", params: { algorithm: "gbdt" }, activate: true, by: "bench" }, control);
    const trainSeconds = (Date.now() - started) / 1000;
    await runTraining(deps, workspaceId, { kind: "CHURN_RISK", params: { algorithm: "gbdt" }, activate: true, by: "bench" }, control);
    log(`trained PURCHASE_PROPENSITY (${trainSeconds.toFixed(1)} s) and CHURN_RISK`);
    const features = await registry.get(PREDICTIONS).features(workspaceId, null);
    return {
      profileIds,
      onnx: await deps.registry.artifact(version),
      model: version.params.model as PredictionModel,
      vectors: [...features.values()].map((f) => f.vector),
      trainSeconds,
    };
  } finally {
    await runtime.close();
  }
}

/** Scores `total` feature vectors (resampled from real ones) through ONNX in chunks; also the same rows in a plain TS loop (a subset). */
async function batchScoring(seeded: Seeded, total: number, log: (l: string) => void): Promise<Record<string, number>> {
  // One intra-op thread: on 2 shared cores a second thread only adds contention (measured 2× slower).
  const session = await ort.InferenceSession.create(seeded.onnx, { graphOptimizationLevel: "all", intraOpNumThreads: 1 });
  const d = FEATURES.length;
  const chunk = 10_000;
  const random = seededRandom(1);
  const buffer = new Float32Array(chunk * d);
  let checksum = 0;
  let onnxMs = 0;
  const started = performance.now();
  for (let done = 0; done < total; done += chunk) {
    const n = Math.min(chunk, total - done);
    for (let i = 0; i < n; i++) buffer.set(seeded.vectors[Math.floor(random() * seeded.vectors.length)], i * d);
    const t0 = performance.now();
    const out = await session.run({ [PREDICTION_INPUT]: new ort.Tensor("float32", n === chunk ? buffer : buffer.subarray(0, n * d), [n, d]) });
    onnxMs += performance.now() - t0;
    checksum += (out[PREDICTION_OUTPUT].data as Float32Array)[0];
    // Yield between chunks: a long batch must not starve the event loop.
    await new Promise((r) => setImmediate(r));
  }
  const wallMs = performance.now() - started;
  const tsRows = Math.min(total, 100_000);
  const t0 = performance.now();
  for (let i = 0; i < tsRows; i++) checksum += predictRow(seeded.model, seeded.vectors[i % seeded.vectors.length]);
  const tsMs = performance.now() - t0;
  await session.release();
  log(`batch: ${total} profiles in ${(wallMs / 1000).toFixed(2)} s (ONNX ${(onnxMs / 1000).toFixed(2)} s); TS loop ${tsRows} in ${(tsMs / 1000).toFixed(2)} s (checksum ${checksum.toFixed(2)})`);
  return {
    batch_profiles: total,
    profiles_per_s: Math.round(total / (wallMs / 1000)),
    onnx_only_profiles_per_s: Math.round(total / (onnxMs / 1000)),
    ts_loop_profiles_per_s: Math.round(tsRows / (tsMs / 1000)),
    trees: seeded.model.kind === "gbdt" ? seeded.model.trees.length : 0,
  };
}

/** kindred_prediction_cache_total by outcome, read from the server's /metrics. */
async function cacheCounts(graphqlUrl: string): Promise<{ hit: number; miss: number }> {
  const text = await (await fetch(graphqlUrl.replace(/\/graphql$/, "/metrics"))).text();
  const count = (outcome: string) => Number(new RegExp(`kindred_prediction_cache_total\\{outcome="${outcome}"\\} (\\S+)`).exec(text)?.[1] ?? 0);
  return { hit: count("hit"), miss: count("miss") };
}

export const suite: BenchSuite = {
  name: "predictions",
  description: "batch scoring of 1,000,000 feature vectors through ONNX; p99 of profile.predictions at 32 connections vs the trivial-query floor",
  async run({ quick, log }) {
    const seconds = quick ? 5 : 15;
    const profiles = quick ? 1000 : 5000;
    let seeded: Seeded | null = null;
    const server = await startBenchServer({ prepare: async (url, ws) => void (seeded = await seed(url, ws, profiles, log)) });
    try {
      const data = seeded as unknown as Seeded;
      const batch = await batchScoring(data, quick ? 100_000 : 1_000_000, log);
      const requests = data.profileIds.slice(0, 500).map((id) => ({ method: "POST" as const, body: JSON.stringify({ query: PREDICTIONS_QUERY, variables: { id } }) }));
      log("warming up");
      await load({ url: server.url, key: server.adminKey, body: TRIVIAL_QUERY, seconds: 2 });
      const warm = await autocannon({ url: server.url, connections: 32, duration: 2, headers: { "content-type": "application/json", authorization: `Bearer ${server.adminKey}` }, requests });
      log(`warm-up predictions: ${warm.non2xx} non-2xx`);
      log(`floor: { viewer { role } }, 32 connections, ${seconds}s`);
      const floor = await load({ url: server.url, key: server.adminKey, body: TRIVIAL_QUERY, seconds });
      log(`profile(id) { id } alone (the lookup the predictions field sits on), 32 connections, ${seconds}s`);
      const lookupRequests = data.profileIds.slice(0, 500).map((id) => ({ method: "POST" as const, body: JSON.stringify({ query: "query($id: ID!) { profile(id: $id) { id } }", variables: { id } }) }));
      const lookup = await autocannon({ url: server.url, connections: 32, duration: seconds, headers: { "content-type": "application/json", authorization: `Bearer ${server.adminKey}` }, requests: lookupRequests });
      // Served set: 500 profiles asked round and round (a site or app asking about the same visitors
      // again); the server's answers are kept per profile, so this phase is mostly answered from memory.
      log(`profile.predictions, 32 connections, ${seconds}s`);
      const countsBefore = await cacheCounts(server.url);
      const result = await autocannon({ url: server.url, connections: 32, duration: seconds, headers: { "content-type": "application/json", authorization: `Bearer ${server.adminKey}` }, requests });
      const countsAfter = await cacheCounts(server.url);
      // Cold: profiles never asked before, each asked once (a send to a segment): every answer is computed.
      const unseen = data.profileIds.slice(500);
      let next = 0;
      const coldBody = () => JSON.stringify({ query: PREDICTIONS_QUERY, variables: { id: unseen[next++ % unseen.length] } });
      log(`profile.predictions, cold: ${unseen.length} profiles never asked before, once each, 32 connections`);
      const cold = await autocannon({
        url: server.url,
        connections: 32,
        amount: unseen.length,
        headers: { "content-type": "application/json", authorization: `Bearer ${server.adminKey}` },
        requests: [{ method: "POST", setupRequest: (req) => ({ ...req, body: coldBody() }) }],
      });
      const coldCounts = await cacheCounts(server.url);
      const hits = countsAfter.hit - countsBefore.hit;
      const misses = countsAfter.miss - countsBefore.miss;
      return {
        ...batch,
        p99_ms: result.latency.p99,
        p50_ms: result.latency.p50,
        rps: Math.round(result.requests.average),
        errors: result.errors + result.timeouts + result.non2xx,
        floor_p99_ms: floor.p99_ms,
        floor_rps: floor.rps,
        ratio_to_floor: Number((result.latency.p99 / Math.max(1, floor.p99_ms)).toFixed(2)),
        rps_ratio_to_floor: Number((result.requests.average / Math.max(1, floor.rps)).toFixed(3)),
        cache_hit_ratio: Number((hits / Math.max(1, hits + misses)).toFixed(3)),
        cold_p99_ms: cold.latency.p99,
        cold_p50_ms: cold.latency.p50,
        cold_ratio_to_floor: Number((cold.latency.p99 / Math.max(1, floor.p99_ms)).toFixed(2)),
        cold_requests: cold.requests.total,
        cold_cache_misses: coldCounts.miss - countsAfter.miss,
        cold_errors: cold.errors + cold.timeouts + cold.non2xx,
        profile_lookup_p99_ms: lookup.latency.p99,
        profile_lookup_rps: Math.round(lookup.requests.average),
        served_profiles: profiles,
        train_seconds: Number(data.trainSeconds.toFixed(1)),
        connections: 32,
        seconds,
      };
    } finally {
      await server.stop();
    }
  },
};
