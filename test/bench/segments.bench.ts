import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import WebSocket from "ws";
import { createClient } from "graphql-ws";
import { loadConfig } from "../../src/config/config";
import { createLogger } from "../../src/common/logger";
import { freePort } from "../../src/db/embedded-postgres";
import { createRuntime } from "../../src/server/kernel-factory";
import { API_KEYS } from "../../src/workspaces/workspaces.module";
import { Role } from "../../src/workspaces/role";
import { SEGMENT_MEMBERSHIPS } from "../../src/segments/segments.module";
import { writeMemberships } from "../../src/segments/membership-sql";
import type { BenchSuite } from "./run";
import { startBenchServer } from "./support/bench-server";
import { BENCH_RULES, seedSegmentsBench } from "./support/segments-data";

const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

/** Rule recompute vs hand-written SQL over generated data; event → subscription latency across two instances. */
export const suite: BenchSuite = {
  name: "segments",
  description: "full recompute of 5 rule segments vs equivalent hand-written SQL; event → segmentMembershipChanged on a second instance",
  async run({ quick, log }) {
    const profiles = quick ? 100_000 : 1_000_000;
    const eventsPerProfile = 10;
    const notifyEvents = quick ? 300 : 1000;
    const a = await startBenchServer({ prepare: (url, ws) => seedSegmentsBench(url, ws, profiles, eventsPerProfile, log) });
    const env = { DATABASE_URL: a.databaseUrl, LOG_LEVEL: "warn", KINDRED_DATA_DIR: mkdtempSync(join(tmpdir(), "kindred-bench-")), KINDRED_RATE_LIMIT_PER_SECOND: "0", KINDRED_RUN_WORKER: "false" };
    const runtime = await createRuntime(loadConfig(env), createLogger("warn"), { work: false, startJobs: false });
    let b: { url: string; stop(): Promise<void> } | undefined;
    try {
      // (a) recompute: each rule both ways, twice, alternating order, memberships cleared before every run.
      const memberships = runtime.registry.get(SEGMENT_MEMBERSHIPS);
      const db = runtime.kernel.dataSource;
      const ws = a.workspaceId;
      let compiled = 0;
      let handwritten = 0;
      const sizes: Record<string, number> = {};
      const now = new Date(); // one "now" for both, so time windows select the same events
      for (const rule of BENCH_RULES) {
        const segmentId = randomUUID();
        const handId = randomUUID();
        await db.query(`INSERT INTO segments (id, workspace_id, key, name, kind, condition, dependencies) VALUES ($1, $2, $3, $3, 'RULE', $4, $5)`, [segmentId, ws, rule.key, rule.condition, rule.dependencies]);
        runtime.kernel.bus.publish("segment.definitionChanged", { workspaceId: ws, segmentId });
        for (const round of [0, 1]) {
          const runCompiled = async () => {
            await db.query(`DELETE FROM segment_memberships WHERE workspace_id = $1 AND segment_id = $2`, [ws, segmentId]);
            const started = performance.now();
            const r = await memberships.recompute(ws, segmentId, now);
            compiled += (performance.now() - started) / 1000;
            sizes[rule.key] = r.size;
          };
          const runHand = async () => {
            await db.query(`DELETE FROM segment_memberships WHERE workspace_id = $1 AND segment_id = $2`, [ws, handId]);
            const started = performance.now();
            await db.transaction(async (m) => {
              await m.query("SET LOCAL work_mem = '256MB'");
              const [counts] = await m.query(writeMemberships(rule.sql, "$3::uuid", "$4::uuid", undefined, true), [ws, now, handId, null]);
              sizes[`${rule.key}_sql`] = counts.entered;
            });
            handwritten += (performance.now() - started) / 1000;
          };
          if (round === 0) await runHand().then(runCompiled);
          else await runCompiled().then(runHand);
        }
        log(`  ${rule.key}: ${sizes[rule.key]} members (hand-written: ${sizes[`${rule.key}_sql`]})`);
        if (sizes[rule.key] !== sizes[`${rule.key}_sql`]) throw new Error(`rule ${rule.key} disagrees with its hand-written SQL`);
      }

      // (b) event on A → segmentMembershipChanged on B.
      const notifyId = randomUUID();
      await db.query(`INSERT INTO segments (id, workspace_id, key, name, kind, condition, dependencies) VALUES ($1, $2, 'notify', 'notify', 'RULE', $3, $4)`, [
        notifyId,
        ws,
        { event: { type: "page_view", where: [{ property: "path", op: "EQ", value: "/bench" }] } },
        { traits: [], computed: [], eventTypes: ["page_view"], consent: false, items: false, windows: [], segments: [] },
      ]);
      const keys = runtime.registry.get(API_KEYS);
      const ingestKey = (await keys.create(ws, "bench ingest", Role.INGEST)).secret;
      b = await spawnInstance(env);
      const client = createClient({ url: b.url.replace(/^http/, "ws"), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${a.adminKey}` }, lazy: false, retryAttempts: 0 });
      let arrived: (() => void) | undefined;
      let arrivedAt = 0;
      const dispose = client.subscribe({ query: `subscription($id: ID!) { segmentMembershipChanged(segmentId: $id) { profileId change } }`, variables: { id: notifyId } }, { next: () => ((arrivedAt = performance.now()), arrived?.()), error: (e) => log(`subscription error ${JSON.stringify(e)}`), complete: () => undefined });
      await new Promise((r) => setTimeout(r, 1500)); // the subscription is registered on B and A saw the new segment
      const latencies: number[] = [];
      const responses: number[] = [];
      for (let i = 0; i < notifyEvents + 20; i++) {
        const got = new Promise<void>((r) => (arrived = r));
        const started = performance.now();
        const res = await fetch(a.url, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${ingestKey}` },
          body: JSON.stringify({ query: `mutation($e: [EventInput!]!) { trackEvents(events: $e) { accepted } }`, variables: { e: [{ messageId: randomUUID(), type: "page_view", userId: `bench-${randomUUID()}`, properties: { path: "/bench" } }] } }),
        });
        if (!res.ok) throw new Error(`trackEvents failed: ${res.status} ${await res.text()}`);
        await res.text();
        if (i >= 20) responses.push(performance.now() - started);
        await Promise.race([got, new Promise((_, reject) => setTimeout(() => reject(new Error("no segmentMembershipChanged within 5 s")), 5000))]);
        if (i >= 20) latencies.push(arrivedAt - started); // first 20 warm up
      }
      dispose();
      await client.dispose();
      // What the segments hook itself added to those requests (A's own histogram).
      const metrics = await (await fetch(a.url.replace("/graphql", "/metrics"))).text();
      const metric = (name: string) => Number(/^(\S+) (\S+)$/m.exec(metrics.split("\n").find((l) => l.startsWith(name + " ")) ?? "")?.[2] ?? NaN);
      log(`  segment hook histogram: ${metrics.split("\n").filter((l) => l.startsWith("kindred_segment_hook_seconds_bucket")).map((l) => l.replace(/^.*le="([^"]+)"} (\d+)$/, "≤$1s:$2")).join(" ")}`);
      const hookMeanMs = (metric("kindred_segment_hook_seconds_sum") / metric("kindred_segment_hook_seconds_count")) * 1000;
      latencies.sort((x, y) => x - y);
      responses.sort((x, y) => x - y);
      return {
        profiles,
        events: profiles * eventsPerProfile,
        rules: BENCH_RULES.length,
        recompute_s: Number((compiled / 2).toFixed(3)),
        sql_s: Number((handwritten / 2).toFixed(3)),
        ratio_to_sql: Number((compiled / handwritten).toFixed(3)),
        segment_sizes: Object.fromEntries(BENCH_RULES.map((r) => [r.key, sizes[r.key]])),
        notify_events: latencies.length,
        notify_p50_ms: Number(percentile(latencies, 0.5).toFixed(2)),
        notify_p99_ms: Number(percentile(latencies, 0.99).toFixed(2)),
        // Floor: the trackEvents round trip on A itself (the notification cannot arrive before the hooks ran).
        track_p50_ms: Number(percentile(responses, 0.5).toFixed(2)),
        track_p99_ms: Number(percentile(responses, 0.99).toFixed(2)),
        segment_hook_mean_ms: Number(hookMeanMs.toFixed(2)),
        load_average: Number(loadavg()[0].toFixed(2)),
      };
    } finally {
      await b?.stop();
      await runtime.close();
      await a.stop();
    }
  },
};

/** A second `kindred serve` on the same database (instance B). */
async function spawnInstance(env: Record<string, string>): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [resolve(__dirname, "../../src/main.js"), "serve"], { env: { ...process.env, ...env, PORT: String(port), HOST: "127.0.0.1" }, stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((ready, reject) => {
    const timer = setTimeout(() => reject(new Error("instance B did not start in 60 s")), 60_000);
    child.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("listening") && (clearTimeout(timer), ready()));
    child.once("exit", (code) => reject(new Error(`instance B exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}/graphql`, stop: async () => void (child.kill("SIGTERM"), await new Promise((r) => child.once("exit", r))) };
}

