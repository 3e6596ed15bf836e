import { readdirSync, readFileSync } from "node:fs";
import { Client, type PoolClient } from "pg";
import type { BenchSuite } from "./run";
import { startBenchServer } from "./support/bench-server";
import { copyRows, type CopyValue } from "../../src/events/copy-rows";

const TYPES: [string, number][] = [["page_view", 40], ["product_view", 25], ["search", 5], ["add_to_cart", 10], ["remove_from_cart", 2], ["checkout_started", 3], ["purchase", 5], ["email_delivered", 4], ["email_open", 4], ["email_click", 2]];
const ITEMS = 1000;
const USERS = 20_000;
const BATCH = 500;
const TRACK = "mutation($events: [EventInput!]!) { trackEvents(events: $events) { accepted duplicates rejected } }";

/** Deterministic pseudo-random numbers (mulberry32), so every run sends the same mix. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One realistic event: a mix of site, commerce and email activity over 20,000 people. */
function makeEvent(n: number, random: () => number): Record<string, unknown> {
  let pick = random() * 100;
  const type = TYPES.find(([, w]) => (pick -= w) < 0)![0];
  const user = Math.floor(random() * USERS);
  const item = `sku-${Math.floor(random() * ITEMS)}`;
  const who = user % 4 === 0 ? { anonymousId: `anon-${user}` } : { userId: `user-${user}` };
  const properties: Record<string, unknown> =
    type === "purchase" ? { orderId: `o-${n}`, currency: "EUR", lineItems: [{ itemId: item, quantity: 1 + Math.floor(random() * 3), price: 19.99 }] }
    : type === "search" ? { query: "running shoes" }
    : type.includes("cart") || type === "product_view" ? { itemId: item }
    : type === "page_view" ? { url: `https://shop.test/p/${n % 500}` }
    : { campaignId: "c-1" };
  return { messageId: `bench-${n}`, type, ...who, occurredAt: new Date(Date.now() - Math.floor(random() * 86_400_000)).toISOString(), properties, context: { deviceType: "mobile", country: "DE", timezone: "Europe/Berlin" } };
}

function childPids(): number[] {
  try {
    return readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Peak and current resident memory of the server process (MB), from /proc. */
function serverMemory(pid: number): { peak: number; now: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { peak: Math.round(kb("VmHWM") / 1024), now: Math.round(kb("VmRSS") / 1024) };
}

const TICKS_PER_S = 100;

/**
 * CPU seconds used so far by a process (user + system), from /proc; with `children`, also that of
 * its children that have ended (PostgreSQL backends closed by the pool during a run count there).
 */
function cpuSeconds(pid: number, children = false): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12]) + (children ? Number(fields[13]) + Number(fields[14]) : 0)) / TICKS_PER_S;
  } catch {
    return 0;
  }
}

/**
 * CPU seconds of the local PostgreSQL processes (server, backends, WAL writer, checkpointer) and of
 * the backends that ended meanwhile (counted in the postmaster's children time), when the database
 * runs on this machine; other databases' work on the same server counts too.
 */
function postgresCpuSeconds(): number {
  let total = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, "utf8").trim() === "postgres") total += cpuSeconds(Number(entry), true);
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** The floor: COPY of the same rows into a plain scratch table shaped like events. */
async function copyFloor(databaseUrl: string, events: Record<string, unknown>[]): Promise<number> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`CREATE TABLE bench_copy (LIKE events INCLUDING DEFAULTS)`);
    const ws = (await client.query(`SELECT id FROM workspaces LIMIT 1`)).rows[0].id;
    const profile = "00000000-0000-4000-8000-000000000001";
    const rows: CopyValue[][] = events.map((e) => [ws, e.messageId as string, e.type as string, e.occurredAt as string, profile, e.properties as Record<string, unknown>, e.context as Record<string, unknown>, [], null, null]);
    const started = process.hrtime.bigint();
    await copyRows(client as unknown as PoolClient, "bench_copy", ["workspace_id", "message_id", "type", "occurred_at", "profile_id", "properties", "context", "item_ids", "revenue", "currency"], rows);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return Math.round(rows.length / seconds);
  } finally {
    await client.end();
  }
}

/** Sustained trackEvents throughput over HTTP (batches of 500, concurrent clients) vs the COPY floor. */
export const suite: BenchSuite = {
  name: "ingest",
  description: "events/s through trackEvents over HTTP with computed traits maintained, vs COPY of the same rows",
  async run({ quick, log, flags }) {
    const clients = Number(flags.get("clients") ?? 4);
    const total = Number(flags.get("events") ?? (quick ? 100_000 : 1_000_000));
    const maxSeconds = Number(flags.get("seconds") ?? (quick ? 20 : 300));
    const server = await startBenchServer({
      env: { KINDRED_DB_POOL_SIZE: "12" },
      prepare: async (url, workspaceId) => {
        const c = new Client({ connectionString: url });
        await c.connect();
        await c.query(`INSERT INTO items (workspace_id, id, title, category, category_path, price, currency) SELECT $1, 'sku-' || i, 'Item ' || i, 'cat-' || (i % 20), ARRAY['Shop', 'cat-' || (i % 20)], 19.99, 'EUR' FROM generate_series(0, $2 - 1) i`, [workspaceId, ITEMS]);
        await c.end();
      },
    });
    const pid = childPids().at(-1)!;
    try {
      let accepted = 0, rejected = 0, errors = 0;
      const random = rng(42);
      const send = async (body: string) => {
        const res = await fetch(server.url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${server.adminKey}` }, body });
        const reply = (await res.json()) as { data?: { trackEvents: { accepted: number; rejected: number } }; errors?: unknown[] };
        if (!reply.data) {
          errors++;
          log(`error: ${JSON.stringify(reply.errors).slice(0, 300)}`);
          return;
        }
        accepted += reply.data.trackEvents.accepted;
        rejected += reply.data.trackEvents.rejected;
      };
      let made = 0;
      const sample: Record<string, unknown>[] = [];
      const bodyOf = () => {
        const events = Array.from({ length: BATCH }, () => makeEvent(made++, random));
        if (sample.length < 200_000) sample.push(...events);
        return JSON.stringify({ query: TRACK, variables: { events } });
      };
      // Request bodies are made before the clock starts: on a 2-core machine the load generator's
      // own work (making and serializing events) would otherwise take CPU from the server it measures.
      // They are made before the warm-up too, so no connection idles past the server's keep-alive.
      log(`making ${total.toLocaleString()} events`);
      const warmUp = Array.from({ length: 10 }, bodyOf);
      sample.length = 0;
      const bodies = Array.from({ length: Math.ceil(total / BATCH) }, bodyOf);
      log("warming up (10 batches)");
      for (const body of warmUp) await send(body);
      accepted = 0;
      let next = 0;
      let midRss = 0;
      const cpuBefore = { server: cpuSeconds(pid), db: postgresCpuSeconds(), client: process.cpuUsage() };
      const started = Date.now();
      const deadline = started + maxSeconds * 1000;
      const worker = async () => {
        while (next < bodies.length && Date.now() < deadline) {
          await send(bodies[next++]);
          // Memory half-way (by events or by time, whichever comes first) against the end: flat or not.
          if (!midRss && (next * BATCH >= total / 2 || Date.now() - started >= (maxSeconds * 1000) / 2)) midRss = serverMemory(pid).now;
        }
      };
      log(`${clients} clients × batches of ${BATCH}, ${total.toLocaleString()} events`);
      const ticker = setInterval(() => log(`  ${(next * BATCH).toLocaleString()} events, ${Math.round((next * BATCH) / ((Date.now() - started) / 1000))}/s, server RSS ${serverMemory(pid).now} MB`), 5000);
      await Promise.all(Array.from({ length: clients }, worker));
      clearInterval(ticker);
      const seconds = (Date.now() - started) / 1000;
      const sent = next * BATCH;
      // CPU per 1,000 events: steadier than the rate on a shared 2-core machine.
      const perThousand = (cpu: number) => Math.round((cpu * 1e7) / sent) / 10;
      const serverCpu = perThousand(cpuSeconds(pid) - cpuBefore.server);
      const dbCpu = perThousand(postgresCpuSeconds() - cpuBefore.db);
      const clientUsage = process.cpuUsage(cpuBefore.client);
      const clientCpu = perThousand((clientUsage.user + clientUsage.system) / 1e6);
      const memory = serverMemory(pid);
      log(`measuring the COPY floor with ${sample.length.toLocaleString()} of the same rows`);
      const copyRate = await copyFloor(server.databaseUrl, sample);
      const eventsPerS = Math.round(sent / seconds);
      return {
        events_per_s: eventsPerS,
        copy_rows_per_s: copyRate,
        ratio_to_copy: Number((eventsPerS / copyRate).toFixed(3)),
        peak_rss_mb: memory.peak,
        server_cpu_ms_per_1k_events: serverCpu,
        db_cpu_ms_per_1k_events: dbCpu,
        client_cpu_ms_per_1k_events: clientCpu,
        rss_mid_mb: midRss,
        rss_end_mb: memory.now,
        events: sent,
        accepted,
        rejected,
        errors,
        seconds: Math.round(seconds * 10) / 10,
        clients,
        batch: BATCH,
      };
    } finally {
      await server.stop();
    }
  },
};
