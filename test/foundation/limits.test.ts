import { startTestApp, type TestApp, type TestWorkspace } from "../support/test-app";

describe("abuse limits", () => {
  let t: TestApp;
  let ws: TestWorkspace;

  beforeAll(async () => {
    t = await startTestApp({ KINDRED_MAX_DEPTH: "4", KINDRED_MAX_ALIASES: "5", KINDRED_MAX_COST: "500", KINDRED_MAX_OPERATIONS: "2", KINDRED_MAX_BODY_BYTES: "4096" });
    ws = await t.createWorkspace("limits");
  });
  afterAll(() => t.stop());

  it("should accept a query at exactly the maximum depth", async () => {
    const res = await t.gql("{ apiKeys { edges { node { id } } } viewer { workspace { id } } }", {}, ws.keys.admin);
    expect(res.errors).toBeUndefined();
  });

  it("should reject aliases beyond the maximum", async () => {
    const aliases = Array.from({ length: 6 }, (_, i) => `a${i}: viewer { role }`).join(" ");
    const res = await t.gql(`{ ${aliases} }`, {}, ws.keys.admin);
    expect(res.status).toBe(400);
    expect(res.errors![0].extensions!.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(res.errors![0].extensions!.limit).toEqual({ name: "aliases", max: 5, actual: 6 });
  });

  it("should reject documents with too many operations", async () => {
    const res = await t.gql("query A { viewer { role } } query B { viewer { role } } query C { viewer { role } }", {}, ws.keys.admin);
    expect(res.errors![0].extensions!.limit).toMatchObject({ name: "operations", max: 2 });
  });

  it("should reject a query whose cost, counting page sizes, exceeds the maximum", async () => {
    const ok = await t.gql("{ apiKeys(first: 50) { edges { node { id name } } } }", {}, ws.keys.admin);
    expect(ok.errors).toBeUndefined();
    const res = await t.gql("{ apiKeys(first: 500) { edges { node { id name prefix role } } } }", {}, ws.keys.admin);
    expect(res.status).toBe(400);
    expect(res.errors![0].extensions!.limit).toMatchObject({ name: "cost", max: 500 });
    expect(res.errors![0].message).toMatch(/estimated cost/);
  });

  it("should still refuse a mistyped enum variable when the same operation was costed with a valid one", async () => {
    const q = "query($p: ID!, $s: RecommendationStrategy) { recommendations(profileId: $p, n: 2, strategy: $s) { strategy } }";
    const ok = await t.gql(q, { p: "00000000-0000-4000-8000-000000000001", s: "AUTO" }, ws.keys.admin);
    expect(ok.errors![0].extensions!.code).toBe("NOT_FOUND");
    const bad = await t.gql(q, { p: "00000000-0000-4000-8000-000000000002", s: "NOPE" }, ws.keys.admin);
    expect(bad.status).toBe(400);
    expect(bad.errors![0].extensions!.code).toBe("BAD_USER_INPUT");
  });

  it("should answer 413 when the body is too large", async () => {
    const res = await fetch(t.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${ws.keys.admin}` },
      body: JSON.stringify({ query: "{ viewer { role } }", variables: { pad: "x".repeat(10_000) } }),
    });
    expect(res.status).toBe(413);
    const body = (await res.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0].extensions.code).toBe("PAYLOAD_TOO_LARGE");
    expect((await t.gql("{ viewer { role } }", {}, ws.keys.admin)).errors).toBeUndefined();
  });

  it("should reject a body that is not JSON with a clear error", async () => {
    const res = await fetch(t.url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${ws.keys.admin}` }, body: "{not json" });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe("BAD_REQUEST");
  });
});

describe("depth limit", () => {
  let t: TestApp;
  let ws: TestWorkspace;
  beforeAll(async () => {
    t = await startTestApp({ KINDRED_MAX_DEPTH: "2" });
    ws = await t.createWorkspace("depth");
  });
  afterAll(() => t.stop());

  it("should reject a query deeper than the maximum, following fragments", async () => {
    expect((await t.gql("{ viewer { role } }", {}, ws.keys.admin)).errors).toBeUndefined();
    const res = await t.gql("fragment W on Viewer { workspace { id } } { viewer { ...W } }", {}, ws.keys.admin);
    expect(res.status).toBe(400);
    expect(res.errors![0].extensions!.limit).toEqual({ name: "depth", max: 2, actual: 3 });
  });
});

describe("per-key rate limit", () => {
  let t: TestApp;
  let ws: TestWorkspace;
  beforeAll(async () => {
    t = await startTestApp({ KINDRED_RATE_LIMIT_PER_SECOND: "1", KINDRED_RATE_LIMIT_BURST: "3" });
    ws = await t.createWorkspace("rate");
  });
  afterAll(() => t.stop());

  it("should answer RATE_LIMITED with Retry-After when a key exceeds its budget, without affecting other keys", async () => {
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await t.gql("{ viewer { role } }", {}, ws.keys.analyst));
    const limited = results.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(1);
    expect(limited[0].errors![0].extensions!.code).toBe("RATE_LIMITED");
    expect(Number(limited[0].headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await t.gql("{ viewer { role } }", {}, ws.keys.editor)).errors).toBeUndefined();
  });
});
