import { startTestApp, type TestApp, type TestWorkspace } from "../support/test-app";

const UPSERT = `mutation($items: [ItemInput!]!) { upsertItems(items: $items) { upserted rejected results { index id status reasons { path message } } } }`;

describe("catalog", () => {
  let t: TestApp;
  let ws: TestWorkspace;

  beforeAll(async () => {
    t = await startTestApp();
    ws = await t.createWorkspace("catalog");
  });
  afterAll(() => t.stop());

  it("should upsert good items and report each bad one with its paths", async () => {
    const res = await t.gql<{ upsertItems: { upserted: number; rejected: number; results: { status: string; reasons: { path: string }[] }[] } }>(UPSERT, {
      items: [
        { id: "a", title: "Alpha", categoryPath: ["Home", "Kitchen"], price: 10, currency: "eur", tags: ["new"] },
        { id: "b", title: "", price: -1, currency: "XYZ", url: "ftp://x" },
      ],
    }, ws.keys.ingest);
    expect(res.errors).toBeUndefined();
    expect(res.data!.upsertItems).toMatchObject({ upserted: 1, rejected: 1 });
    expect(res.data!.upsertItems.results[1].reasons.map((r) => r.path)).toEqual(["items[1].title", "items[1].price", "items[1].currency", "items[1].url"]);
    const again = await t.gql(UPSERT, { items: [{ id: "a", title: "Alpha 2", categoryPath: ["Home", "Kitchen"], price: 12 }] }, ws.keys.ingest);
    expect(again.errors).toBeUndefined();
    const item = await t.gql<{ item: { title: string; category: string; price: number; currency: string | null } }>(`{ item(id: "a") { title category price currency } }`, {}, ws.keys.renderer);
    expect(item.data!.item).toEqual({ title: "Alpha 2", category: "Kitchen", price: 12, currency: null });
  });

  it("should page items by id and filter by category, never across workspaces", async () => {
    await t.gql(UPSERT, { items: ["c", "d", "e"].map((id) => ({ id, title: id.toUpperCase(), categoryPath: ["Toys"] })) }, ws.keys.ingest);
    const page = await t.gql<{ items: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean } } }>(`{ items(first: 2, category: "Toys") { edges { node { id } } pageInfo { hasNextPage } } }`, {}, ws.keys.analyst);
    expect(page.data!.items.edges.map((e) => e.node.id)).toEqual(["c", "d"]);
    expect(page.data!.items.pageInfo.hasNextPage).toBe(true);
    const other = await t.createWorkspace("catalog-other");
    const none = await t.gql<{ item: unknown }>(`{ item(id: "a") { id } }`, {}, other.keys.analyst);
    expect(none.data!.item).toBeNull();
  });
});
