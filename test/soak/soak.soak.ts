import { startTestApp, type TestApp, type TestWorkspace } from "../support/test-app";
import { startServerProcess, type ServerProcess } from "../reliability/support/processes";
import { mix, percentile, send } from "./load";

const SOAK_SECONDS = Number(process.env.SOAK_SECONDS ?? 600);
const CAPACITY_SECONDS = Number(process.env.SOAK_CAPACITY_SECONDS ?? 20);
const LOAD_SHARE = Number(process.env.SOAK_LOAD_SHARE ?? 0.7);

async function memory(baseUrl: string): Promise<{ rss: number; heap: number }> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const read = (name: string) => Number(text.match(new RegExp(`^${name} (\\S+)$`, "m"))?.[1] ?? NaN);
  return { rss: read("kindred_process_resident_memory_bytes") / 2 ** 20, heap: read("kindred_nodejs_heap_size_used_bytes") / 2 ** 20 };
}

describe("soak", () => {
  let admin: TestApp;
  let ws: TestWorkspace;
  let server: ServerProcess;

  beforeAll(async () => {
    admin = await startTestApp();
    ws = await admin.createWorkspace("soak");
    server = await startServerProcess({ KINDRED_RATE_LIMIT_PER_SECOND: "0", KINDRED_DB_POOL_SIZE: "10" });
  });
  afterAll(async () => {
    await server?.kill("SIGTERM");
    await admin?.stop();
  });

  it(`should serve ${LOAD_SHARE * 100}% of measured capacity for ${SOAK_SECONDS} s with no errors and flat memory`, async () => {
    let seq = 0;
    // 1. Capacity: closed loop, 16 concurrent clients, as fast as the server answers.
    const capacityEnd = Date.now() + CAPACITY_SECONDS * 1000;
    let done = 0;
    await Promise.all(Array.from({ length: 16 }, async () => {
      while (Date.now() < capacityEnd) {
        await send(server.url, ws.keys, mix(seq++));
        done++;
      }
    }));
    const capacity = done / CAPACITY_SECONDS;
    const rate = capacity * LOAD_SHARE;

    // 2. Soak: open loop at the target rate; latency, errors and memory sampled throughout.
    const latencies: number[] = [];
    const errors = new Map<string, number>();
    const samples: { t: number; rss: number; heap: number }[] = [];
    const started = Date.now();
    const end = started + SOAK_SECONDS * 1000;
    const inFlight = new Set<Promise<void>>();
    let sent = 0;
    const sampler = setInterval(() => void memory(server.baseUrl).then((m) => samples.push({ t: (Date.now() - started) / 1000, ...m })), 10_000);
    while (Date.now() < end) {
      const due = Math.floor(((Date.now() - started) / 1000) * rate);
      while (sent < due) {
        sent++;
        const p = send(server.url, ws.keys, mix(seq++)).then(
          (ms) => void latencies.push(ms),
          (error) => void errors.set(String(error.message), (errors.get(String(error.message)) ?? 0) + 1),
        );
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    await Promise.all(inFlight);
    clearInterval(sampler);
    samples.push({ t: (Date.now() - started) / 1000, ...(await memory(server.baseUrl)) });

    latencies.sort((a, b) => a - b);
    const quarter = Math.max(1, Math.floor(samples.length / 4));
    const early = samples.slice(quarter, 2 * quarter); // after warm-up
    const late = samples.slice(-quarter);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const figures = {
      capacityRps: Math.round(capacity),
      targetRps: Math.round(rate),
      achievedRps: Math.round(latencies.length / SOAK_SECONDS),
      seconds: SOAK_SECONDS,
      requests: latencies.length,
      errors: Object.fromEntries(errors),
      p50Ms: Math.round(percentile(latencies, 50) * 10) / 10,
      p99Ms: Math.round(percentile(latencies, 99) * 10) / 10,
      rssMb: { afterWarmup: Math.round(median(early.map((s) => s.rss))), end: Math.round(median(late.map((s) => s.rss))), max: Math.round(Math.max(...samples.map((s) => s.rss))) },
      heapMb: { afterWarmup: Math.round(median(early.map((s) => s.heap))), end: Math.round(median(late.map((s) => s.heap))), max: Math.round(Math.max(...samples.map((s) => s.heap))) },
    };
    console.log(`soak figures: ${JSON.stringify(figures)}`);
    expect(errors.size).toBe(0);
    expect(latencies.length).toBeGreaterThan(rate * SOAK_SECONDS * 0.95);
    // Flat memory: the end of the run holds no more than 25% above the level after warm-up.
    expect(figures.heapMb.end).toBeLessThan(figures.heapMb.afterWarmup * 1.25 + 5);
    expect(figures.rssMb.end).toBeLessThan(figures.rssMb.afterWarmup * 1.25 + 10);
  });
});
