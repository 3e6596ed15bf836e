import { startTestApp, type TestApp, type TestWorkspace } from "../support/test-app";
import { fixtureModule } from "../support/fixture-module";

describe("error masking, health, readiness and metrics", () => {
  let t: TestApp;
  let ws: TestWorkspace;

  beforeAll(async () => {
    t = await startTestApp({}, [fixtureModule]);
    ws = await t.createWorkspace("errors");
  });
  afterAll(() => t.stop());

  it("should mask unexpected errors as INTERNAL_SERVER_ERROR without SQL or stack, with a request id", async () => {
    const res = await fetch(t.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${ws.keys.analyst}`, "x-request-id": "req-masking-0001" },
      body: JSON.stringify({ query: "{ boom }" }),
    });
    const text = await res.text();
    expect(text).not.toMatch(/table_that_does_not_exist|hunter2|SELECT|stack|at /i);
    const body = JSON.parse(text) as { errors: { message: string; extensions: Record<string, unknown> }[] };
    expect(body.errors[0].message).toBe("Internal server error");
    expect(body.errors[0].extensions).toEqual({ code: "INTERNAL_SERVER_ERROR", requestId: "req-masking-0001" });
    expect(res.headers.get("x-request-id")).toBe("req-masking-0001");
  });

  it("should keep GraphQL validation errors visible to the caller", async () => {
    const res = await t.gql("{ viewer { noSuchField } }", {}, ws.keys.analyst);
    expect(res.status).toBe(400);
    expect(res.errors![0].extensions!.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(res.errors![0].message).toMatch(/noSuchField/);
  });

  it("should answer /healthz and /readyz", async () => {
    const health = await fetch(`${t.baseUrl}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${t.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "ready", database: "up", migrations: "applied" });
  });

  it("should expose Prometheus metrics by operation and outcome, pool and process", async () => {
    await t.gql("query WhoAmI { viewer { role } }", {}, ws.keys.analyst);
    const res = await fetch(`${t.baseUrl}/metrics`);
    const text = await res.text();
    expect(res.headers.get("content-type")).toMatch(/text\/plain/);
    expect(text).toMatch(/kindred_graphql_requests_total\{operation="WhoAmI",type="query",outcome="success"\} \d+/);
    expect(text).toMatch(/kindred_graphql_request_duration_seconds_bucket\{le="[^"]+",operation="WhoAmI",outcome="success"\}/);
    expect(text).toMatch(/kindred_db_pool_connections \d+/);
    expect(text).toMatch(/kindred_process_resident_memory_bytes \d+/);
  });

  it("should support GET queries per GraphQL-over-HTTP and refuse mutations over GET", async () => {
    const query = encodeURIComponent("{ viewer { role } }");
    const get = await fetch(`${t.url}?query=${query}`, { headers: { authorization: `Bearer ${ws.keys.analyst}`, "apollo-require-preflight": "true" } });
    expect(get.status).toBe(200);
    expect(await get.json()).toEqual({ data: { viewer: { role: "ANALYST" } } });
    const mutation = encodeURIComponent('mutation { createApiKey(input: { name: "x", role: ADMIN }) { secret } }');
    const refused = await fetch(`${t.url}?query=${mutation}`, { headers: { authorization: `Bearer ${ws.keys.admin}`, "apollo-require-preflight": "true" } });
    expect(refused.status).toBe(405);
  });

  it("should answer 404 with a hint for unknown paths", async () => {
    const res = await fetch(`${t.baseUrl}/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ hint: expect.stringContaining("/graphql") });
  });
});
