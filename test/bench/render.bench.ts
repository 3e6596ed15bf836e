import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import mjml2html from "mjml";
import { Client } from "pg";
import type { BenchSuite } from "./run";
import { benchDatabase } from "./support/bench-server";
import { loadConfig } from "../../src/config/config";
import { createLogger } from "../../src/common/logger";
import { freePort } from "../../src/db/embedded-postgres";
import { startApp } from "../../src/server/app";
import { API_KEYS, WORKSPACES } from "../../src/workspaces/workspaces.module";
import { Role } from "../../src/workspaces/role";
import { createLiquid, RENDER_STATE, recommendationKey } from "../../src/rendering/liquid-engine";
import { NEWSLETTER_MJML, NEWSLETTER_PREHEADER, NEWSLETTER_SAMPLE_DATA, NEWSLETTER_SUBJECT } from "../../src/rendering/starter-content";
import { buildScope } from "../../src/rendering/render-scope";
import { DecisionFixtures } from "../rendering/fixtures";

const SERVER_FLAG = "KINDRED_RENDER_BENCH_SERVER";
const TIERS = ["gold", "silver", "bronze", null];
const CITIES = ["London", "Paris", "Berlin", null];
const BATCH_QUERY = `query($t: ID!, $ids: [ID!], $first: Int!) { renderBatch(templateId: $t, profileIds: $ids, first: $first) { emails { profileId subject preheader html text } problems { message } } }`;

/** Child process: the real server plus stand-ins for decision services not installed yet. */
async function serveForBench(): Promise<void> {
  const fixtures = new DecisionFixtures({ onlyMissing: true });
  const config = loadConfig({ ...process.env, LOG_LEVEL: "warn", KINDRED_RATE_LIMIT_PER_SECOND: "0", KINDRED_RUN_WORKER: "false", HOST: "127.0.0.1" });
  const app = await startApp({ config, logger: createLogger(process.env.RENDER_BENCH_LOG ?? "warn"), bootstrap: false, extraModules: [fixtures.module()] });
  const workspace = await app.runtime.registry.get(WORKSPACES).create(`render-bench-${Date.now()}`);
  const { secret } = await app.runtime.registry.get(API_KEYS).create(workspace.id, "bench", Role.ADMIN);
  process.stdout.write(`${JSON.stringify({ ready: true, workspaceId: workspace.id, key: secret, url: app.url, stubs: fixtures.stubbed })}\n`);
  process.stdin.on("data", async (line) => {
    // the parent writes segment memberships and predictions to a file once it has seeded profiles
    const { segments, predictions } = JSON.parse(readFileSync(line.toString().trim(), "utf8")) as { segments: [string, string[]][]; predictions: [string, Record<string, number>][] };
    segments.forEach(([id, keys]) => fixtures.segments.set(id, keys));
    predictions.forEach(([id, p]) => fixtures.predictions.set(id, p));
    process.stdout.write(`${JSON.stringify({ seeded: true })}\n`);
  });
  process.on("SIGTERM", () => {
    setTimeout(() => process.exit(0), 3000).unref();
    void app.stop().then(() => process.exit(0));
  });
  // never outlive the bench that started it
  process.stdin.on("end", () => process.exit(0));
}

function traitsFor(i: number): Record<string, unknown> {
  return {
    first_name: i % 7 === 0 ? null : `Name${i}`,
    last_name: `Family${i % 97}`,
    email: `person${i}@example.com`,
    city: CITIES[i % 4],
    tier: TIERS[i % 4],
    points: (i * 37) % 5000,
    purchase_history: i % 3 === 0 ? ["Electronics", "Books"] : ["Garden"],
    timezone: ["Europe/London", "America/New_York", "Asia/Tokyo"][i % 3],
  };
}

async function seed(databaseUrl: string, workspaceId: string, profiles: number): Promise<string[]> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  await db.query(
    `INSERT INTO items (workspace_id, id, title, url, image_url, price, currency, category_path, category, brand, available)
     SELECT $1, 'sku-' || g, 'Product ' || g, 'https://shop.example.com/p/' || g, 'https://cdn.example.com/p/' || g || '.jpg', 5 + g * 1.25, 'USD', ARRAY['Shoes'], 'Shoes', 'Brand ' || (g % 9), true FROM generate_series(1, 60) g`,
    [workspaceId],
  );
  const traits = Array.from({ length: profiles }, (_, i) => JSON.stringify(traitsFor(i)));
  // a campaign send follows the predictions refresh: profiles carry the scores it stores in computed traits
  const computed = Array.from({ length: profiles }, (_, i) => JSON.stringify({ engagement_score: (i * 13) % 100, churn_risk: (i % 10) / 10, purchase_propensity: ((i * 7) % 10) / 10 }));
  const rows = await db.query(`INSERT INTO profiles (workspace_id, traits, computed, known) SELECT $1, t::jsonb, c::jsonb, true FROM unnest($2::text[], $3::text[]) AS u(t, c) RETURNING id`, [workspaceId, traits, computed]);
  await db.end();
  return rows.rows.map((r: { id: string }) => r.id);
}

async function startServer(databaseUrl: string): Promise<{ child: ChildProcess; url: string; workspaceId: string; key: string; stubs: string[]; send: (msg: unknown) => Promise<void> }> {
  const port = await freePort();
  // RENDER_BENCH_PROFILE=<dir> writes a CPU profile of the server process there
  const profile = process.env.RENDER_BENCH_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.RENDER_BENCH_PROFILE}`] : [];
  const child = spawn(process.execPath, [...profile, __filename], {
    env: { ...process.env, [SERVER_FLAG]: "1", DATABASE_URL: databaseUrl, PORT: String(port), KINDRED_DATA_DIR: mkdtempSync(join(tmpdir(), "kindred-bench-")) },
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines: ((msg: Record<string, unknown>) => void)[] = [];
  let buffer = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    let at: number;
    while ((at = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, at);
      buffer = buffer.slice(at + 1);
      // the child's own log lines share stdout: only ready/seeded answers are protocol
      if (/^\{"(ready|seeded)":/.test(line)) lines.shift()?.(JSON.parse(line));
      else if (line.trim()) process.stderr.write(`${line}\n`);
    }
  });
  const next = () => new Promise<Record<string, unknown>>((resolve, reject) => {
    lines.push(resolve);
    setTimeout(() => reject(new Error("bench server did not answer in 90 s")), 90_000).unref();
  });
  const ready = await next();
  return {
    child,
    url: ready.url as string,
    workspaceId: ready.workspaceId as string,
    key: ready.key as string,
    stubs: ready.stubs as string[],
    send: async (msg) => {
      const answer = next();
      const file = join(mkdtempSync(join(tmpdir(), "kindred-bench-msg-")), "msg.json");
      writeFileSync(file, JSON.stringify(msg));
      child.stdin!.write(`${file}\n`);
      await answer;
    },
  };
}

async function gql(url: string, key: string, query: string, variables: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${key}` }, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors).slice(0, 800));
  return body.data!;
}

/** Renders/s through renderBatch over HTTP: `clients` loops each asking for pages of `page` recipients. */
async function driveBatches(url: string, key: string, templateId: string, ids: string[], page: number, clients: number, seconds: number): Promise<{ renders: number; seconds: number; problems: number; requestMs: number[] }> {
  let cursor = 0;
  let renders = 0;
  let problems = 0;
  const requestMs: number[] = [];
  const until = Date.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (Date.now() < until) {
        const start = cursor % ids.length;
        cursor += page;
        const slice = ids.slice(start, start + page);
        // the whole response is received, but not parsed: parsing 10 MB of JSON is the ESP's cost, and
        // on a 2-core machine it would compete with the server for the CPU being measured
        const sent = performance.now();
        const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${key}` }, body: JSON.stringify({ query: BATCH_QUERY, variables: { t: templateId, ids: slice, first: page } }) });
        const body = await res.text();
        requestMs.push(performance.now() - sent);
        if (res.status !== 200 || body.startsWith('{"errors"')) throw new Error(`renderBatch failed: ${body.slice(0, 500)}`);
        renders += body.split('{"profileId":').length - 1;
        problems += body.split('{"message":').length - 1;
      }
    }),
  );
  return { renders, seconds: (performance.now() - started) / 1000, problems, requestMs };
}

/** Every page answers 200 with exactly `page` emails and no problems (the timed run counts pages). */
async function checkPages(url: string, key: string, templateId: string, ids: string[], page: number): Promise<void> {
  for (let start = 0; start + page <= ids.length; start += page) {
    const data = (await gql(url, key, BATCH_QUERY, { t: templateId, ids: ids.slice(start, start + page), first: page })) as { renderBatch: { emails: unknown[]; problems: unknown[] } };
    if (data.renderBatch.emails.length !== page || data.renderBatch.problems.length) throw new Error(`page at ${start}: ${data.renderBatch.emails.length} emails, ${JSON.stringify(data.renderBatch.problems).slice(0, 300)}`);
  }
}

/**
 * The timed run: autocannon keeps `clients` requests in flight over full pages of the audience (the
 * client reads whole responses without decoding them, so the server, not the load generator, is measured).
 */
async function timedBatches(url: string, key: string, templateId: string, ids: string[], page: number, clients: number, seconds: number): Promise<{ renders: number; seconds: number; failures: number; p50: number }> {
  const bodies: string[] = [];
  for (let start = 0; start + page <= ids.length; start += page) bodies.push(JSON.stringify({ query: BATCH_QUERY, variables: { t: templateId, ids: ids.slice(start, start + page), first: page } }));
  let next = 0;
  const result = await autocannon({
    url,
    connections: clients,
    duration: seconds,
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    requests: [{ setupRequest: (request: Record<string, unknown>) => ({ ...request, body: bodies[next++ % bodies.length] }) }],
  } as never);
  return { renders: result["2xx"] * page, seconds: result.duration, failures: result.non2xx + result.errors + result.timeouts, p50: result.latency.p50 };
}

/** Floor and naive baseline, in-process, over the same template and realistic recipients. */
async function inProcess(quick: boolean): Promise<{ floorPerS: number; naivePerS: number }> {
  const html = createLiquid(true);
  const compiled = await mjml2html(NEWSLETTER_MJML, { validationLevel: "strict", minify: false } as never);
  const parsed = html.parse(compiled.html);
  const items = Array.from({ length: 4 }, (_, i) => ({ id: `sku-${i + 1}`, title: `Product ${i + 1}`, url: `https://shop.example.com/p/${i + 1}`, image_url: null, price: 6.25 + i, currency: "USD", category: "Shoes", brand: "Brand 1" }));
  const recs = new Map([[recommendationKey({ strategy: "AUTO", n: 4, category: null, brand: null }), items]]);
  const scopes = Array.from({ length: 200 }, (_, i) =>
    buildScope({
      profile: { id: `p${i}`, traits: traitsFor(i), computed: { engagement_score: (i * 13) % 100 } },
      data: { segments: i % 3 === 0 ? ["cart-abandoners"] : [], predictions: { churn_risk: (i % 10) / 10 }, recommendations: recs },
      consent: true,
      context: {},
      now: new Date(),
      locale: "en-US",
      templateId: "t",
      version: 1,
      campaignId: null,
      track: {},
    }),
  );
  for (let i = 0; i < 300; i++) html.renderSync(parsed, scopes[i % scopes.length]);
  const floorN = quick ? 2000 : 6000;
  let t0 = performance.now();
  for (let i = 0; i < floorN; i++) html.renderSync(parsed, scopes[i % scopes.length]);
  const floorPerS = floorN / ((performance.now() - t0) / 1000);
  // naive: Liquid over the MJML source, then an MJML compile, for every recipient
  const source = html.parse(NEWSLETTER_MJML);
  const naiveN = quick ? 15 : 40;
  await mjml2html(html.renderSync(source, scopes[0]) as string, { minify: false } as never);
  t0 = performance.now();
  for (let i = 0; i < naiveN; i++) await mjml2html(html.renderSync(source, scopes[i % scopes.length]) as string, { minify: false } as never);
  const naivePerS = naiveN / ((performance.now() - t0) / 1000);
  void RENDER_STATE;
  return { floorPerS, naivePerS };
}

export const suite: BenchSuite = {
  name: "render",
  description: "personalized renders/s through renderBatch over HTTP vs per-recipient MJML compile and the in-process Liquid floor",
  async run({ quick, log, flags }) {
    const profiles = quick ? 1000 : 4000;
    const seconds = quick ? 6 : 15;
    const page = Number(flags.get("page") ?? 200);
    const clients = Number(flags.get("clients") ?? 2);
    const db = await benchDatabase();
    let server: Awaited<ReturnType<typeof startServer>> | undefined;
    try {
      server = await startServer(db.url);
      log(`server up (stand-ins for: ${server.stubs.join(", ") || "none"}); seeding ${profiles} profiles`);
      const ids = await seed(db.url, server.workspaceId, profiles);
      await server.send({ segments: ids.filter((_, i) => i % 3 === 1).map((id) => [id, ["cart-abandoners"]]), predictions: ids.map((id, i) => [id, { churn_risk: (i % 10) / 10 }]) });
      const saved = (await gql(server.url, server.key, `mutation($input: SaveTemplateInput!) { saveTemplate(input: $input) { template { id } } }`, {
        input: { name: "bench-newsletter", mjml: NEWSLETTER_MJML, subject: NEWSLETTER_SUBJECT, preheader: NEWSLETTER_PREHEADER, sampleData: NEWSLETTER_SAMPLE_DATA },
      })) as { saveTemplate: { template: { id: string } } };
      const templateId = saved.saveTemplate.template.id;
      log("warming up (every page once, checking each answer is complete)");
      await checkPages(server.url, server.key, templateId, ids, page);
      await driveBatches(server.url, server.key, templateId, ids, page, clients, 2);
      log(`renderBatch over HTTP: pages of ${page}, ${clients} connections, ${seconds}s`);
      const http = await timedBatches(server.url, server.key, templateId, ids, page, clients, seconds);
      // the timed requests are the same bodies: they are checked again after the run
      await checkPages(server.url, server.key, templateId, ids, page);
      log("in-process: Liquid floor and per-recipient MJML compile");
      const { floorPerS, naivePerS } = await inProcess(quick);
      const rendersPerS = http.renders / http.seconds;
      return {
        renders_per_s: Math.round(rendersPerS),
        naive_renders_per_s: Number(naivePerS.toFixed(1)),
        liquid_floor_per_s: Math.round(floorPerS),
        speedup_vs_naive: Number((rendersPerS / naivePerS).toFixed(1)),
        ratio_to_floor: Number((rendersPerS / floorPerS).toFixed(3)),
        renders: http.renders,
        request_p50_ms: http.p50,
        failed_requests: http.failures,
        page_size: page,
        clients,
        profiles,
        template_lines: NEWSLETTER_MJML.split("\n").length,
        stand_ins: server.stubs,
      };
    } finally {
      if (server) {
        server.child.kill("SIGTERM");
        await new Promise((r) => server!.child.once("exit", r));
      }
      await db.stop();
    }
  },
};

if (process.env[SERVER_FLAG] === "1") {
  serveForBench().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
