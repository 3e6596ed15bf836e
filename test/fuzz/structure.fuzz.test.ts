import WebSocket from "ws";
import { startTestApp, type TestApp, type TestWorkspace } from "../support/test-app";

// Anything a hostile client sends must end in one of these, never a 500 and never a hang.
const CLIENT_CODES = new Set(["GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT", "BAD_REQUEST", "PAYLOAD_TOO_LARGE"]);
const HANG_MS = 15_000;

describe("hostile documents and transports", () => {
  let t: TestApp;
  let ws: TestWorkspace;

  beforeAll(async () => {
    t = await startTestApp({ KINDRED_RATE_LIMIT_PER_SECOND: "0", KINDRED_MAX_BODY_BYTES: String(2 * 1024 * 1024) });
    ws = await t.createWorkspace("structure");
  });
  afterAll(() => t.stop());

  async function post(body: string): Promise<{ status: number; codes: string[]; ms: number }> {
    const started = Date.now();
    const res = await fetch(t.url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${ws.keys.admin}` }, body, signal: AbortSignal.timeout(HANG_MS) });
    const json = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
    return { status: res.status, codes: (json.errors ?? []).map((e) => e.extensions?.code ?? "(none)"), ms: Date.now() - started };
  }
  const doc = (query: string, variables: unknown = {}) => JSON.stringify({ query, variables });
  const many = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join(" ");

  const attacks: [string, () => string][] = [
    ["10,000 nested selections", () => doc(`{ viewer ${"{ a ".repeat(10_000)}${"}".repeat(10_001)}`)],
    ["5,000 nested list literals", () => doc(`mutation { trackEvents(events: ${"[".repeat(5000)}${"]".repeat(5000)}) { accepted } }`)],
    ["3,000 nested object literals", () => doc(`mutation { identify(input: { identifiers: ${"{a:".repeat(3000)}1${"}".repeat(3000)} }) { profile { id } } }`)],
    ["12-level introspection", () => doc(`{ __schema { types { ${Array.from({ length: 12 }).reduce<string>((inner) => `fields { type { ${inner} } }`, "name")} } } }`)],
    ["10,000 repeated fields", () => doc(`{ viewer { ${"role ".repeat(10_000)} } }`)],
    ["2,000 fragments", () => doc(`{ viewer { ${many(2000, (i) => `...F${i}`)} } } ${many(2000, (i) => `fragment F${i} on Viewer { role }`)}`)],
    ["5,000 aliases", () => doc(`{ ${many(5000, (i) => `a${i}: viewer { role }`)} }`)],
    ["1,000 aliases (under the token limit)", () => doc(`{ ${many(1000, (i) => `a${i}: viewer { role }`)} }`)],
    ["fragment cycle", () => doc(`{ viewer { ...A } } fragment A on Viewer { ...B } fragment B on Viewer { ...A }`)],
    ["5,000 directives", () => doc(`{ viewer { role ${"@include(if: true) ".repeat(5000)} } }`)],
    ["100 operations", () => doc(many(100, (i) => `query Q${i} { viewer { role } }`))],
    ["batched array body", () => JSON.stringify(Array.from({ length: 100 }, () => ({ query: "{ viewer { role } }" })))],
    ["body over the limit", () => doc("{ viewer { role } }", { pad: "x".repeat(3 * 1024 * 1024) })],
    ["5,000-deep JSON variable", () => `{"query":"mutation($i: JSONObject!) { identify(input: { identifiers: { user_id: \\"deep\\" }, traits: $i }) { profile { id } } }","variables":{"i":${'{"a":'.repeat(5000)}1${"}".repeat(5000)}}}`],
    ["4,000-deep event properties", () => `{"query":"mutation($e: [EventInput!]!) { trackEvents(events: $e) { accepted } }","variables":{"e":[{"messageId":"d","type":"page_view","userId":"u","properties":${'{"a":['.repeat(4000)}1${"]}".repeat(4000)}}]}}`],
    ["50,000-item variable list", () => doc(`mutation($e: [EventInput!]!) { trackEvents(events: $e) { accepted } }`, { e: Array.from({ length: 50_000 }, (_, i) => ({ messageId: `m${i}` })) })],
    ["5,000 unused variables", () => doc(`query(${many(5000, (i) => `$v${i}: Int`)}) { viewer { role } }`)],
    ["not JSON", () => "{ definitely not json"],
    ["query is a number", () => JSON.stringify({ query: 42 })],
    ["variables are a string", () => JSON.stringify({ query: "{ viewer { role } }", variables: "x" })],
  ];

  it.each(attacks)("should refuse %s with a clear client error, quickly", async (_name, build) => {
    const out = await post(build());
    expect(out.status).toBeLessThan(500);
    expect(out.ms).toBeLessThan(HANG_MS);
    if (out.codes.length) for (const code of out.codes) expect(CLIENT_CODES).toContain(code);
  });

  it("should stay healthy after the attacks", async () => {
    expect((await fetch(`${t.baseUrl}/readyz`)).status).toBe(200);
    expect((await t.gql("{ viewer { role } }", {}, ws.keys.analyst)).errors).toBeUndefined();
  });

  function open(params: Record<string, unknown> | null): Promise<{ socket: WebSocket; closed: Promise<number>; acked: Promise<boolean>; messages: unknown[] }> {
    const socket = new WebSocket(t.url.replace(/^http/, "ws"), "graphql-transport-ws");
    const messages: unknown[] = [];
    let ack: (ok: boolean) => void = () => undefined;
    const acked = new Promise<boolean>((r) => (ack = r));
    const closed = new Promise<number>((r) => socket.on("close", (code) => (ack(false), r(code))));
    socket.on("message", (data) => {
      const msg = JSON.parse(String(data)) as { type: string };
      messages.push(msg);
      if (msg.type === "connection_ack") ack(true);
    });
    return new Promise((resolve, reject) => {
      socket.once("open", () => {
        if (params) socket.send(JSON.stringify({ type: "connection_init", payload: params }));
        resolve({ socket, closed, acked, messages });
      });
      socket.once("error", reject);
    });
  }

  it("should refuse unauthenticated and garbage WebSocket clients and survive 100 concurrent connections", async () => {
    const anonymous = await Promise.all(Array.from({ length: 50 }, () => open({})));
    expect(new Set(await Promise.all(anonymous.map((c) => c.closed)))).toEqual(new Set([4403]));
    const garbage = await open(null);
    garbage.socket.send("{ not json");
    expect(await garbage.closed).toBe(4400);

    const clients = await Promise.all(Array.from({ length: 100 }, () => open({ authorization: `Bearer ${ws.keys.analyst}` })));
    expect((await Promise.all(clients.map((c) => c.acked))).every(Boolean)).toBe(true);
    for (const [i, c] of clients.entries()) c.socket.send(JSON.stringify({ id: `s${i}`, type: "subscribe", payload: { query: `subscription { jobUpdated(jobId: "00000000-0000-4000-8000-000000000000") { jobId } }` } }));
    const started = Date.now();
    expect((await fetch(`${t.baseUrl}/healthz`)).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(HANG_MS);
    for (const c of clients) c.socket.close();
    await Promise.all(clients.map((c) => c.closed));
  });

  it("should refuse queries and mutations over WebSocket, which would bypass audit, cost and rate limits", async () => {
    const c = await open({ authorization: `Bearer ${ws.keys.admin}` });
    expect(await c.acked).toBe(true);
    c.socket.send(JSON.stringify({ id: "m", type: "subscribe", payload: { query: `mutation { createApiKey(input: { name: "over-ws", role: ANALYST }) { secret } }` } }));
    c.socket.send(JSON.stringify({ id: "q", type: "subscribe", payload: { query: `{ viewer { role } }` } }));
    const deadline = Date.now() + HANG_MS;
    while (c.messages.filter((m) => (m as { type: string }).type === "error").length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const errors = c.messages.filter((m) => (m as { type: string }).type === "error") as { id: string; payload: { extensions: { code: string } }[] }[];
    expect(errors.map((e) => [e.id, e.payload[0].extensions.code]).sort()).toEqual([["m", "BAD_REQUEST"], ["q", "BAD_REQUEST"]]);
    expect(c.messages.some((m) => (m as { type: string }).type === "next")).toBe(false);
    c.socket.close();
    const keys = await t.gql<{ apiKeys: { edges: { node: { name: string } }[] } }>(`{ apiKeys(first: 100) { edges { node { name } } } }`, {}, ws.keys.admin);
    expect(keys.data!.apiKeys.edges.map((e) => e.node.name)).not.toContain("over-ws");
  });

  it("should keep answering when one connection floods subscribe messages", async () => {
    const c = await open({ authorization: `Bearer ${ws.keys.analyst}` });
    expect(await c.acked).toBe(true);
    for (let i = 0; i < 1000; i++) c.socket.send(JSON.stringify({ id: `f${i}`, type: "subscribe", payload: { query: `subscription { jobUpdated(jobId: "00000000-0000-4000-8000-00000000000${i % 10}") { jobId } }` } }));
    // Reusing an id is a protocol violation: the server must close the socket, not crash.
    c.socket.send(JSON.stringify({ id: "f0", type: "subscribe", payload: { query: "subscription { jobUpdated(jobId: \"x\") { jobId } }" } }));
    expect(await Promise.race([c.closed, new Promise<number>((r) => setTimeout(() => r(-1), HANG_MS).unref())])).toBe(4409);
    expect((await t.gql("{ viewer { role } }", {}, ws.keys.analyst)).errors).toBeUndefined();
  });
});
