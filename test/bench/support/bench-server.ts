import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import autocannon from "autocannon";
import { loadConfig } from "../../../src/config/config";
import { createLogger } from "../../../src/common/logger";
import { startEmbeddedPostgres, freePort } from "../../../src/db/embedded-postgres";
import { createRuntime } from "../../../src/server/kernel-factory";
import { API_KEYS, WORKSPACES } from "../../../src/workspaces/workspaces.module";
import { Role } from "../../../src/workspaces/role";

/** A Kindred server in its own process, for benchmarks (load comes from the bench process). */
export interface BenchServer {
  url: string;
  databaseUrl: string;
  workspaceId: string;
  adminKey: string;
  stop(): Promise<void>;
}

/**
 * Uses DATABASE_URL (a fresh scratch database on that server) or an embedded PostgreSQL.
 * `KINDRED_BENCH_KEEP_DB=1` keeps the scratch database afterwards (its name goes to stderr) for inspection.
 */
export async function benchDatabase(): Promise<{ url: string; stop: () => Promise<void> }> {
  const given = process.env.DATABASE_URL;
  if (!given) {
    const dir = mkdtempSync(join(tmpdir(), "kindred-bench-pg-"));
    chmodSync(dir, 0o755);
    const db = await startEmbeddedPostgres(join(dir, "data"));
    return { url: db.url, stop: db.stop };
  }
  const { Client } = await import("pg");
  const admin = new Client({ connectionString: given });
  await admin.connect();
  const name = `kindred_bench_${Date.now()}`;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(given);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    stop: async () => {
      if (process.env.KINDRED_BENCH_KEEP_DB === "1") return void process.stderr.write(`kept bench database ${name}\n`);
      const c = new Client({ connectionString: given });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/**
 * Node flags the server runs with, as `npm start` does: a larger young generation (64 MB
 * semi-spaces) scavenges far less often under request-sized garbage (about 8% less server CPU in
 * the ingest bench). `KINDRED_BENCH_SERVER_NODE_ARGS` adds more (e.g. `--cpu-prof`).
 */
const SERVER_NODE_ARGS = ["--max-semi-space-size=64"];

/**
 * Migrates a bench database, creates a workspace with an admin key, and starts `kindred serve`
 * in a child process with rate limiting off. `prepare` may seed data before the server starts.
 */
export async function startBenchServer(options: { env?: Record<string, string>; prepare?: (databaseUrl: string, workspaceId: string) => Promise<void> } = {}): Promise<BenchServer> {
  const db = await benchDatabase();
  const env = { DATABASE_URL: db.url, LOG_LEVEL: "warn", KINDRED_DATA_DIR: mkdtempSync(join(tmpdir(), "kindred-bench-")), KINDRED_RATE_LIMIT_PER_SECOND: "0", KINDRED_RUN_WORKER: "false", ...options.env };
  const runtime = await createRuntime(loadConfig(env), createLogger("warn"), { work: false, startJobs: false });
  const workspace = await runtime.registry.get(WORKSPACES).create(`bench-${Date.now()}`);
  const { secret } = await runtime.registry.get(API_KEYS).create(workspace.id, "bench", Role.ADMIN);
  await runtime.close();
  await options.prepare?.(db.url, workspace.id);
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [...SERVER_NODE_ARGS, ...(process.env.KINDRED_BENCH_SERVER_NODE_ARGS?.split(" ").filter(Boolean) ?? []), resolve(__dirname, "../../../src/main.js"), "serve"], {
    env: { ...process.env, ...env, PORT: String(port), HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = `http://127.0.0.1:${port}/graphql`;
  await new Promise<void>((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error("bench server did not start in 60 s")), 60_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("listening")) {
        clearTimeout(timer);
        resolveReady();
      }
    });
    child.once("exit", (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  return {
    url,
    databaseUrl: db.url,
    workspaceId: workspace.id,
    adminKey: secret,
    stop: async () => {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
      await db.stop();
    },
  };
}

export interface LoadResult {
  rps: number;
  p50_ms: number;
  p99_ms: number;
  errors: number;
  non2xx: number;
  requests: number;
}

/** Drives a request at N connections for D seconds (autocannon) and returns throughput and latency. */
export async function load(options: { url: string; key: string; body?: unknown; connections?: number; seconds: number; method?: "GET" | "POST" }): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    connections: options.connections ?? 32,
    duration: options.seconds,
    method: options.method ?? "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${options.key}` },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  return {
    rps: Math.round(result.requests.average),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    requests: result.requests.total,
  };
}

/** The trivial authenticated query every suite uses as its floor. */
export const TRIVIAL_QUERY = { query: "{ viewer { role } }" };
