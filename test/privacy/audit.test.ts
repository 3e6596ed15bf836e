import { startTestApp, type TestApp, type TestWorkspace } from "../support/test-app";

type Entry = { id: string; at: string; apiKeyId: string; keyPrefix: string; role: string; operationType: string; operationName: string | null; fields: string[]; targetIds: string[]; targetCount: number; personalData: boolean; outcome: string; errorCode: string | null; ip: string; requestId: string };
const AUDIT = `query($first: Int, $after: String, $filter: AuditLogFilter) { auditLog(first: $first, after: $after, filter: $filter) {
  edges { cursor node { id at apiKeyId keyPrefix role operationType operationName fields targetIds targetCount personalData outcome errorCode ip requestId } }
  pageInfo { hasNextPage endCursor } } }`;

describe("audit trail", () => {
  let t: TestApp;
  let a: TestWorkspace;
  let b: TestWorkspace;
  const log = async (filter: Record<string, unknown> = {}, first = 50, key = a.keys.admin) => {
    const res = await t.gql<{ auditLog: { edges: { cursor: string; node: Entry }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } }>(AUDIT, { first, filter }, key);
    expect(res.errors).toBeUndefined();
    return res.data!.auditLog;
  };

  beforeAll(async () => {
    t = await startTestApp();
    a = await t.createWorkspace("audit-a");
    b = await t.createWorkspace("audit-b");
  });
  afterAll(() => t.stop());

  it("should record who, what, when and from where when a mutation runs, without personal values", async () => {
    const before = Date.now();
    const res = await t.gql<{ identify: { profile: { id: string } } }>(
      `mutation Ident($input: IdentifyInput!) { identify(input: $input) { profile { id } } }`,
      { input: { identifiers: { email: "secret.person@example.com", user_id: "u-audit-1" }, traits: { name: "Secret Person" } } },
      a.keys.ingest,
    );
    expect(res.errors).toBeUndefined();
    const entry = (await log({ field: "identify" })).edges[0].node;
    expect(entry).toMatchObject({ operationType: "mutation", operationName: "Ident", fields: ["identify"], role: "ingest", outcome: "success", ip: expect.stringMatching(/127\.0\.0\.1/), personalData: false });
    expect(entry.keyPrefix).toBe(a.keys.ingest.slice(0, entry.keyPrefix.length));
    expect(entry.apiKeyId).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Date(entry.at).getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(JSON.stringify(entry)).not.toMatch(/secret\.person|Secret Person|u-audit-1/);
    const [{ n }] = await t.app.runtime.kernel.dataSource.query(`SELECT count(*)::int AS n FROM audit_log WHERE workspace_id = $1 AND (target_ids::text LIKE '%secret%' OR request_id LIKE '%secret%')`, [a.id]);
    expect(n).toBe(0);
  });

  it("should record target ids and failed attempts when a mutation is refused", async () => {
    const keyId = "00000000-0000-4000-8000-000000000001";
    const res = await t.gql(`mutation($id: String!) { revokeApiKey(input: { id: $id }) { apiKey { id } } }`, { id: keyId }, a.keys.editor);
    expect(res.errors![0].extensions!.code).toBe("FORBIDDEN");
    const entry = (await log({ targetId: keyId })).edges[0].node;
    expect(entry).toMatchObject({ fields: ["revokeApiKey"], targetIds: [keyId], outcome: "error", errorCode: "FORBIDDEN", role: "editor" });
  });

  it("should record reads of personal data and skip other reads", async () => {
    const id = (await t.gql<{ identify: { profile: { id: string } } }>(`mutation { identify(input: { identifiers: { user_id: "reader" } }) { profile { id } } }`, {}, a.keys.ingest)).data!.identify.profile.id;
    expect((await t.gql(`query P($id: ID!) { profile(id: $id) { id traits } }`, { id }, a.keys.analyst)).errors).toBeUndefined();
    expect((await t.gql(`{ viewer { role } }`, {}, a.keys.analyst)).errors).toBeUndefined();
    const reads = await log({ personalData: true, targetId: id });
    expect(reads.edges.map((e) => e.node)).toEqual([expect.objectContaining({ operationType: "query", operationName: "P", fields: ["profile"], targetIds: [id], role: "analyst" })]);
    expect((await log({ field: "viewer" })).edges).toHaveLength(0);
  });

  it("should be visible to admins only and only for their own workspace", async () => {
    for (const role of ["editor", "analyst", "ingest", "renderer"] as const) {
      const res = await t.gql(AUDIT, {}, a.keys[role]);
      expect(res.errors![0].extensions!.code).toBe("FORBIDDEN");
    }
    await t.gql(`mutation { identify(input: { identifiers: { user_id: "b-only" } }) { profile { id } } }`, {}, b.keys.ingest);
    const ofB = await log({}, 100, b.keys.admin);
    const ofA = await log({}, 100, a.keys.admin);
    const idsOfB = new Set(ofB.edges.map((e) => e.node.id));
    expect(ofB.edges.length).toBeGreaterThan(0);
    for (const e of ofA.edges) expect(idsOfB.has(e.node.id)).toBe(false);
  });

  it("should page newest first with cursors and reject bad filters with their paths", async () => {
    for (let i = 0; i < 3; i++) await t.gql(`mutation { identify(input: { identifiers: { user_id: "page-${i}" } }) { profile { id } } }`, {}, a.keys.ingest);
    const first = await log({ field: "identify" }, 2);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const next = await t.gql<{ auditLog: { edges: { node: Entry }[] } }>(AUDIT, { first: 2, after: first.pageInfo.endCursor, filter: { field: "identify" } }, a.keys.admin);
    const ids = [...first.edges, ...next.data!.auditLog.edges].map((e) => Number(e.node.id));
    expect(ids).toEqual([...ids].sort((x, y) => y - x));
    expect(new Set(ids).size).toBe(4);
    const bad = await t.gql(AUDIT, { filter: { apiKeyId: "nope", operationType: "delete" }, after: "garbage" }, a.keys.admin);
    expect(bad.errors![0].extensions!.code).toBe("BAD_USER_INPUT");
    const paths = (bad.errors![0].extensions!.problems as { path: string }[]).map((p) => p.path);
    expect(paths).toContain("filter.operationType");
  });

  it("should refuse UPDATE, DELETE and TRUNCATE at the database level", async () => {
    const db = t.app.runtime.kernel.dataSource;
    await expect(db.query(`UPDATE audit_log SET ip = 'forged' WHERE workspace_id = $1`, [a.id])).rejects.toThrow(/append-only/);
    await expect(db.query(`DELETE FROM audit_log WHERE workspace_id = $1`, [a.id])).rejects.toThrow(/append-only/);
    await expect(db.query(`TRUNCATE audit_log`)).rejects.toThrow(/append-only/);
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM audit_log WHERE workspace_id = $1`, [a.id]);
    expect(n).toBeGreaterThan(0);
  });

  it("should write one entry per request with group commit when many mutations arrive at once", async () => {
    const db = t.app.runtime.kernel.dataSource;
    const [{ n: before }] = await db.query(`SELECT count(*)::int AS n FROM audit_log WHERE workspace_id = $1 AND 'identify' = ANY(fields)`, [b.id]);
    await Promise.all(Array.from({ length: 40 }, (_, i) => t.gql(`mutation { identify(input: { identifiers: { user_id: "burst-${i}" } }) { profile { id } } }`, {}, b.keys.ingest)));
    const [{ n: after }] = await db.query(`SELECT count(*)::int AS n FROM audit_log WHERE workspace_id = $1 AND 'identify' = ANY(fields)`, [b.id]);
    expect(after - before).toBe(40);
  });
});
