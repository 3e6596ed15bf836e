import { startTestApp, type TestApp, type TestWorkspace } from "../support/test-app";

describe("authentication and roles", () => {
  let t: TestApp;
  let a: TestWorkspace;
  let b: TestWorkspace;

  beforeAll(async () => {
    t = await startTestApp();
    a = await t.createWorkspace("auth-a");
    b = await t.createWorkspace("auth-b");
  });
  afterAll(() => t.stop());

  it("should answer viewer with workspace and role when the key is valid", async () => {
    const res = await t.gql<{ viewer: { workspace: { id: string }; role: string } }>("{ viewer { workspace { id name } role } }", {}, a.keys.analyst);
    expect(res.errors).toBeUndefined();
    expect(res.data!.viewer.workspace.id).toBe(a.id);
    expect(res.data!.viewer.role).toBe("ANALYST");
  });

  it("should be UNAUTHENTICATED when the key is missing", async () => {
    const res = await t.gql("{ viewer { role } }");
    expect(res.status).toBe(401);
    expect(res.errors![0].extensions!.code).toBe("UNAUTHENTICATED");
  });

  it("should be UNAUTHENTICATED when the key is malformed or unknown", async () => {
    for (const key of ["nonsense", "kdr_00000000_" + "a".repeat(43), a.keys.admin.slice(0, -1) + (a.keys.admin.endsWith("A") ? "B" : "A")]) {
      const res = await t.gql("{ viewer { role } }", {}, key);
      expect(res.status).toBe(401);
      expect(res.errors![0].extensions!.code).toBe("UNAUTHENTICATED");
    }
  });

  it("should be UNAUTHENTICATED at once when the key is revoked", async () => {
    const created = await t.gql<{ createApiKey: { apiKey: { id: string }; secret: string } }>(
      `mutation { createApiKey(input: { name: "to revoke", role: ANALYST }) { apiKey { id prefix role } secret } }`,
      {},
      a.keys.admin,
    );
    const { apiKey, secret } = created.data!.createApiKey;
    expect((await t.gql("{ viewer { role } }", {}, secret)).errors).toBeUndefined();
    const revoked = await t.gql(`mutation($id: String!) { revokeApiKey(input: { id: $id }) { apiKey { revokedAt } } }`, { id: apiKey.id }, a.keys.admin);
    expect(revoked.errors).toBeUndefined();
    const after = await t.gql("{ viewer { role } }", {}, secret);
    expect(after.errors![0].extensions!.code).toBe("UNAUTHENTICATED");
  });

  it("should be FORBIDDEN when a role lacks the permission", async () => {
    for (const role of ["editor", "analyst", "ingest", "renderer"] as const) {
      const res = await t.gql(`mutation { createApiKey(input: { name: "x", role: ADMIN }) { secret } }`, {}, a.keys[role]);
      expect(res.errors![0].extensions!.code).toBe("FORBIDDEN");
      const list = await t.gql(`{ apiKeys { edges { node { id } } } }`, {}, a.keys[role]);
      expect(list.errors![0].extensions!.code).toBe("FORBIDDEN");
    }
    for (const role of ["ingest", "renderer"] as const) {
      const res = await t.gql(`{ jobs { edges { node { id } } } }`, {}, a.keys[role]);
      expect(res.errors![0].extensions!.code).toBe("FORBIDDEN");
    }
  });

  it("should list only the caller's workspace keys and refuse to revoke another workspace's key", async () => {
    const list = await t.gql<{ apiKeys: { edges: { node: { id: string; prefix: string } }[] } }>(`{ apiKeys(first: 100) { edges { node { id prefix } } } }`, {}, a.keys.admin);
    const prefixesOfB = Object.values(b.keys).map((k) => k.slice(0, 12));
    expect(list.data!.apiKeys.edges.length).toBeGreaterThanOrEqual(5);
    for (const edge of list.data!.apiKeys.edges) expect(prefixesOfB).not.toContain(edge.node.prefix);

    const listB = await t.gql<{ apiKeys: { edges: { node: { id: string } }[] } }>(`{ apiKeys { edges { node { id } } } }`, {}, b.keys.admin);
    const keyOfB = listB.data!.apiKeys.edges[0].node.id;
    const res = await t.gql(`mutation($id: String!) { revokeApiKey(input: { id: $id }) { apiKey { id } } }`, { id: keyOfB }, a.keys.admin);
    expect(res.errors![0].extensions!.code).toBe("NOT_FOUND");
    expect((await t.gql("{ viewer { role } }", {}, b.keys.admin)).errors).toBeUndefined();
  });

  it("should page through keys with cursors", async () => {
    const first = await t.gql<{ apiKeys: { edges: { cursor: string; node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } }>(
      `{ apiKeys(first: 2) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`,
      {},
      b.keys.admin,
    );
    expect(first.data!.apiKeys.edges).toHaveLength(2);
    expect(first.data!.apiKeys.pageInfo.hasNextPage).toBe(true);
    const next = await t.gql<{ apiKeys: { edges: { node: { id: string } }[] } }>(`query($after: String) { apiKeys(first: 10, after: $after) { edges { node { id } } } }`, { after: first.data!.apiKeys.pageInfo.endCursor }, b.keys.admin);
    const ids = new Set([...first.data!.apiKeys.edges, ...next.data!.apiKeys.edges].map((e) => e.node.id));
    expect(ids.size).toBe(5);
    const bad = await t.gql(`{ apiKeys(after: "garbage") { edges { cursor } } }`, {}, b.keys.admin);
    expect(bad.errors![0].extensions!.code).toBe("BAD_USER_INPUT");
  });

  it("should report every invalid field with its path", async () => {
    const res = await t.gql(`mutation { createApiKey(input: { name: "", role: ADMIN }) { secret } }`, {}, a.keys.admin);
    expect(res.errors![0].extensions!.code).toBe("BAD_USER_INPUT");
    expect(res.errors![0].extensions!.problems).toEqual([{ path: "input.name", message: expect.stringContaining("empty") }]);
    const page = await t.gql(`{ apiKeys(first: 0) { edges { cursor } } }`, {}, a.keys.admin);
    expect(page.errors![0].extensions!.problems).toEqual([{ path: "first", message: expect.any(String) }]);
  });
});
