import type { DataSource } from "typeorm";
import { CONSENT } from "../../src/privacy/consent.module";
import { ConsentPurpose, ConsentStatus } from "../../src/privacy/consent.entity";
import { RECOMMENDATIONS } from "../../src/recommendations/recommendations.module";
import { MODEL_REGISTRY } from "../../src/models/models.module";
import { recommenderRuns } from "../../src/recommendations/serving/rec-metrics";
import { startTestApp, type TestApp, type TestWorkspace } from "../support/test-app";
import { addEvent, createProfile, seedCatalog, seedPeople, trainAll } from "./fixtures";

const RECS = `query($p: ID!, $n: Int, $s: RecommendationStrategy, $f: RecommendationFilter, $d: DiversityInput, $c: RecommendationContext) {
  recommendations(profileId: $p, n: $n, strategy: $s, filter: $f, diversity: $d, context: $c) {
    profileId strategy personalized note modelVersionId modelVersion items { itemId score reason strategy modelVersionId modelVersion item { title category } } } }`;

interface Recs {
  strategy: string;
  personalized: boolean;
  note: string | null;
  modelVersion: string | null;
  items: { itemId: string; score: number; reason: string; strategy: string; modelVersion: string | null; item: { title: string; category: string } | null }[];
}

describe("recommendations serving", () => {
  let t: TestApp;
  let ws: TestWorkspace;
  let ds: DataSource;
  let groups: Record<string, string[]>;
  let versions: Record<string, string>;
  const recs = async (vars: Record<string, unknown>, key = ws.keys.renderer) => {
    const res = await t.gql<{ recommendations: Recs }>(RECS, vars, key);
    expect(res.errors).toBeUndefined();
    return res.data!.recommendations;
  };

  beforeAll(async () => {
    t = await startTestApp();
    ws = await t.createWorkspace("recs");
    ds = t.app.runtime.kernel.dataSource;
    await seedCatalog(ds, ws.id);
    groups = await seedPeople(ds, ws.id);
    versions = await trainAll(t, ws.id);
  });
  afterAll(() => t.stop());

  it("should recommend the person's taste with reason, strategy and model version when AUTO has every model", async () => {
    const r = await recs({ p: groups.Shoes[0], n: 3 });
    expect(r.strategy).toBe("AUTO");
    expect(r.personalized).toBe(true);
    expect(r.items).toHaveLength(3);
    expect(r.items.filter((i) => i.item?.category === "Shoes").length).toBeGreaterThanOrEqual(2);
    for (const item of r.items) expect(item.reason).toMatch(/because you|similar to|you bought|popular|you looked/);
    expect(r.items.some((i) => i.modelVersion && /^(ALS|CONTENT|POPULAR) v1$/.test(i.modelVersion))).toBe(true);
  });

  it("should answer with the asked strategy and its model version when that model is active", async () => {
    for (const s of ["ALS", "EASE", "ITEM_KNN", "CONTENT", "POPULAR"]) {
      // Hats[0] viewed h1 and h2 only, so h3 is left for the collaborative models to find.
      const r = await recs({ p: groups.Hats[0], n: 2, s });
      expect(r.strategy).toBe(s);
      expect(r.items[0].strategy).toBe(s);
      expect(r.modelVersion).toBe(`${s} v1`);
      if (s !== "POPULAR") expect(r.items.map((i) => i.itemId)).not.toContain("h1");
    }
  });

  it("should honour category, price, stock and exclusion filters when they are set", async () => {
    const p = groups.Shoes[1];
    const inHats = await recs({ p, n: 5, s: "POPULAR", f: { categoriesIn: ["Hats"] } });
    expect(inHats.items.length).toBeGreaterThan(0);
    expect(inHats.items.every((i) => i.item!.category === "Hats")).toBe(true);
    const notShoes = await recs({ p, n: 10, s: "POPULAR", f: { categoriesOut: ["Shoes"] } });
    expect(notShoes.items.every((i) => i.item!.category !== "Shoes")).toBe(true);
    const cheap = await recs({ p, n: 10, s: "POPULAR", f: { priceMin: 15, priceMax: 30 } });
    expect(cheap.items.length).toBeGreaterThan(0);
    for (const i of cheap.items) {
      const [{ price }] = await ds.query(`SELECT price::float AS price FROM items WHERE workspace_id = $1 AND id = $2`, [ws.id, i.itemId]);
      expect(price).toBeGreaterThanOrEqual(15);
      expect(price).toBeLessThanOrEqual(30);
    }
    const all = await recs({ p, n: 13, s: "POPULAR" });
    expect(all.items.map((i) => i.itemId)).not.toContain("s4");
    const withOut = await recs({ p, n: 13, s: "POPULAR", f: { inStockOnly: false } });
    expect(withOut.items.map((i) => i.itemId)).toContain("s4");
    const [{ bought }] = await ds.query(`SELECT item_ids[1] AS bought FROM events WHERE profile_id = $1 AND type = 'purchase'`, [p]);
    const auto = await recs({ p, n: 13, f: { excludePurchased: true } });
    expect(auto.items.map((i) => i.itemId)).not.toContain(bought);
    const viewed: string[] = (await ds.query(`SELECT item_ids[1] AS id FROM events WHERE profile_id = $1 AND type = 'product_view'`, [p])).map((r: { id: string }) => r.id);
    const noViewed = await recs({ p, n: 13, f: { excludeViewedWithinDays: 30 } });
    for (const v of viewed) expect(noViewed.items.map((i) => i.itemId)).not.toContain(v);
    await addEvent(ds, ws.id, p, "recommendations_sent", ["h1", "k1"], 1);
    t.app.runtime.registry.get(RECOMMENDATIONS).invalidateProfile(ws.id, p);
    const notSent = await recs({ p, n: 13, s: "POPULAR", f: { excludeSentWithinDays: 7 } });
    expect(notSent.items.map((i) => i.itemId)).not.toEqual(expect.arrayContaining(["h1"]));
    expect(notSent.items.map((i) => i.itemId)).not.toContain("k1");
  });

  it("should stop recommending an item at once when upsertItems marks it out of stock", async () => {
    const p = groups.Hats[1];
    const top = (await recs({ p, n: 5, s: "POPULAR" })).items[0];
    const [row] = await ds.query(`SELECT id, title, category_path AS "categoryPath", brand, price::float AS price, currency FROM items WHERE workspace_id = $1 AND id = $2`, [ws.id, top.itemId]);
    const upsert = `mutation($items: [ItemInput!]!) { upsertItems(items: $items) { upserted } }`;
    const res = await t.gql(upsert, { items: [{ ...row, available: false }] }, ws.keys.ingest);
    expect(res.errors).toBeUndefined();
    expect((await recs({ p, n: 5, s: "POPULAR" })).items.map((i) => i.itemId)).not.toContain(top.itemId);
    expect((await t.gql(upsert, { items: [{ ...row, available: true }] }, ws.keys.ingest)).errors).toBeUndefined();
    expect((await recs({ p, n: 5, s: "POPULAR" })).items.map((i) => i.itemId)).toContain(top.itemId);
  });

  it("should keep at most M items per category when diversity asks for it", async () => {
    const r = await recs({ p: groups.Socks[0], n: 6, s: "POPULAR", d: { maxPerCategory: 2 } });
    const counts = new Map<string, number>();
    for (const i of r.items) counts.set(i.item!.category, (counts.get(i.item!.category) ?? 0) + 1);
    expect(Math.max(...counts.values())).toBeLessThanOrEqual(2);
    expect(r.items).toHaveLength(6);
  });

  it("should fall back collaborative → content → popular for cold-start people", async () => {
    const fresh = await createProfile(ds, ws.id);
    const cold = await recs({ p: fresh, n: 3, s: "ALS" });
    expect(cold.strategy).toBe("POPULAR");
    expect(cold.personalized).toBe(false);
    expect(cold.note).toMatch(/fell back to POPULAR/);
    const newItemFan = await createProfile(ds, ws.id);
    await addEvent(ds, ws.id, newItemFan, "product_view", ["n1"], 1);
    const content = await recs({ p: newItemFan, n: 3, s: "ALS" });
    expect(content.strategy).toBe("CONTENT");
    expect(content.items[0].reason).toMatch(/similar to Trail shoes new edition/);
  });

  it("should change the ALS answer after new interactions without retraining (fold-in) and invalidate the cache", async () => {
    const track = `mutation($e: [EventInput!]!) { trackEvents(events: $e) { accepted results { profileId status } } }`;
    const first = await t.gql<{ trackEvents: { results: { profileId: string }[] } }>(track, { e: [{ messageId: "fold-1", type: "product_view", userId: "fold-user", properties: { itemId: "h1" } }] }, ws.keys.ingest);
    const profileId = first.data!.trackEvents.results[0].profileId;
    const f = { excludeInteracted: false };
    const before = await recs({ p: profileId, n: 3, s: "ALS", f });
    expect(before.items[0].item!.category).toBe("Hats");
    const more = ["s1", "s2", "s3", "s1", "s2"].map((itemId, i) => ({ messageId: `fold-${i + 2}`, type: "product_view", userId: "fold-user", properties: { itemId } }));
    await t.gql(track, { e: [...more, { messageId: "fold-buy", type: "purchase", userId: "fold-user", properties: { orderId: "o1", lineItems: [{ itemId: "s2", quantity: 1, price: 20 }] } }] }, ws.keys.ingest);
    const after = await recs({ p: profileId, n: 3, s: "ALS", f });
    expect(after.items.map((i) => i.itemId)).not.toEqual(before.items.map((i) => i.itemId));
    expect(after.items.filter((i) => i.item!.category === "Shoes").length).toBeGreaterThanOrEqual(2);
  });

  it("should answer non-personal popular items and say so when personalization consent is denied", async () => {
    const p = groups.Hats[2];
    await t.app.runtime.registry.get(CONSENT).set(ws.id, p, [{ purpose: ConsentPurpose.PERSONALIZATION, status: ConsentStatus.DENIED }]);
    const r = await recs({ p, n: 4, s: "ALS" });
    expect(r.strategy).toBe("POPULAR");
    expect(r.personalized).toBe(false);
    expect(r.note).toMatch(/no personalization consent/);
    expect(r.items.every((i) => i.strategy === "POPULAR")).toBe(true);
  });

  it("should list similar and frequently-bought-together items when the item is known", async () => {
    const similar = await t.gql<{ similarItems: Recs }>(`{ similarItems(itemId: "h1", n: 3) { strategy items { itemId reason item { category } } } }`, {}, ws.keys.analyst);
    expect(similar.errors).toBeUndefined();
    expect(similar.data!.similarItems.strategy).toBe("ITEM_KNN");
    expect(similar.data!.similarItems.items.map((i) => i.itemId)).not.toContain("h1");
    expect(similar.data!.similarItems.items[0].item!.category).toBe("Hats");
    const together = await t.gql<{ frequentlyBoughtTogether: Recs }>(`{ frequentlyBoughtTogether(itemId: "s1", n: 3) { strategy items { itemId reason } } }`, {}, ws.keys.analyst);
    expect(together.errors).toBeUndefined();
    expect(["BOUGHT_TOGETHER", "ITEM_KNN"]).toContain(together.data!.frequentlyBoughtTogether.strategy);
    const missing = await t.gql(`{ similarItems(itemId: "nope") { strategy } }`, {}, ws.keys.analyst);
    expect(missing.errors![0].extensions!.code).toBe("NOT_FOUND");
  });

  it("should score concurrent requests of one tick in a single ONNX run when they arrive together", async () => {
    const people = [...groups.Shoes.slice(4, 8), ...groups.Socks.slice(4, 8)];
    const runs = async () => ((await recommenderRuns.get()).values.find((v) => v.labels.kind === "EASE")?.value ?? 0);
    const before = await runs();
    const service = t.app.runtime.registry.get(RECOMMENDATIONS);
    const answers = await Promise.all(people.map((p) => service.recommendOne(ws.id, { profileId: p, n: 2, strategy: "EASE" })));
    expect(answers.every((a) => a.strategy === "EASE")).toBe(true);
    expect((await runs()) - before).toBe(1);
  });

  it("should answer a repeat request with another filter without SQL and still see the person's next event when state is cached", async () => {
    const track = `mutation($e: [EventInput!]!) { trackEvents(events: $e) { results { profileId } } }`;
    const first = await t.gql<{ trackEvents: { results: { profileId: string }[] } }>(track, { e: [{ messageId: "state-1", type: "product_view", userId: "state-user", properties: { itemId: "h1" } }] }, ws.keys.ingest);
    const p = first.data!.trackEvents.results[0].profileId;
    const service = t.app.runtime.registry.get(RECOMMENDATIONS);
    await service.recommendOne(ws.id, { profileId: p, n: 3, strategy: "ALS", filter: { excludeInteracted: false } });
    const spy = jest.spyOn(ds, "query");
    try {
      const again = await service.recommendOne(ws.id, { profileId: p, n: 3, strategy: "ALS", filter: { excludeInteracted: false, priceMax: 1000 } });
      expect(again.strategy).toBe("ALS");
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
    const wide = { profileId: p, n: 30, strategy: "ALS", filter: { excludeInteracted: true, priceMax: 1000 } };
    expect((await service.recommendOne(ws.id, wide)).items.map((i) => i.itemId)).toContain("s1");
    await t.gql(track, { e: [{ messageId: "state-2", type: "product_view", userId: "state-user", properties: { itemId: "s1" } }] }, ws.keys.ingest);
    const after = await service.recommendOne(ws.id, wide);
    expect(after.items.map((i) => i.itemId)).not.toContain("s1");
    expect(after.items.map((i) => i.itemId)).not.toContain("h1");
  });

  it("should drop a person's cached state and answers when their erasure is announced", async () => {
    const service = t.app.runtime.registry.get(RECOMMENDATIONS);
    const p = groups.Hats[4];
    await service.recommendOne(ws.id, { profileId: p, n: 2, strategy: "ALS" });
    expect(service.states.get(ws.id, p)).toBeDefined();
    t.app.runtime.kernel.bus.publish("privacy.profileErased", { workspaceId: ws.id, profileIds: [p] });
    expect(service.states.get(ws.id, p)).toBeUndefined();
    expect(service.cache.get(ws.id, { profileId: p, n: 2, strategy: "ALS" }, (await service.catalogs.get(ws.id)).version)).toBeUndefined();
  });

  it("should stop serving a cached item once the catalog snapshot sees it out of stock", async () => {
    const p = groups.Socks[3];
    const first = await recs({ p, n: 3, s: "POPULAR" });
    const top = first.items[0].itemId;
    await ds.query(`UPDATE items SET available = false, updated_at = now() WHERE workspace_id = $1 AND id = $2`, [ws.id, top]);
    // The snapshot re-checks its fingerprint every 30 s; expire it now instead of waiting.
    t.app.runtime.registry.get(RECOMMENDATIONS).catalogs.invalidate(ws.id);
    const second = await recs({ p, n: 3, s: "POPULAR" });
    expect(second.items.map((i) => i.itemId)).not.toContain(top);
    await ds.query(`UPDATE items SET available = true, updated_at = now() WHERE workspace_id = $1 AND id = $2`, [ws.id, top]);
    t.app.runtime.registry.get(RECOMMENDATIONS).catalogs.invalidate(ws.id);
  });

  it("should answer a batch in order with a per-request error that does not sink the others", async () => {
    const service = t.app.runtime.registry.get(RECOMMENDATIONS);
    const results = await service.recommend(ws.id, [
      { profileId: groups.Shoes[2], n: 2 },
      { profileId: "not-a-uuid", n: 2 },
      { profileId: groups.Socks[2], n: 0 },
      { profileId: "00000000-0000-4000-8000-000000000000", n: 2 },
      { profileId: groups.Hats[3], n: 2, strategy: "EASE" },
    ]);
    expect(results[0].items).toHaveLength(2);
    expect(results[1].error).toMatchObject({ code: "BAD_USER_INPUT", path: "requests[1].profileId" });
    expect(results[2].error).toMatchObject({ code: "BAD_USER_INPUT", path: "requests[2].n" });
    expect(results[3].error).toMatchObject({ code: "NOT_FOUND" });
    expect(results[4].strategy).toBe("EASE");
  });

  it("should be FORBIDDEN for ingest keys and NOT_FOUND for another workspace's profile", async () => {
    const res = await t.gql(RECS, { p: groups.Shoes[0], n: 2 }, ws.keys.ingest);
    expect(res.errors![0].extensions!.code).toBe("FORBIDDEN");
    const other = await t.createWorkspace("recs-other");
    const cross = await t.gql(RECS, { p: groups.Shoes[0], n: 2 }, other.keys.renderer);
    expect(cross.errors![0].extensions!.code).toBe("NOT_FOUND");
    const bad = await t.gql(RECS, { p: groups.Shoes[0], n: 500 }, ws.keys.renderer);
    expect(bad.errors![0].extensions!.code).toBe("BAD_USER_INPUT");
  });

  it("should serve the rolled-back version after rollbackModel when two versions exist", async () => {
    const registry = t.app.runtime.registry.get(MODEL_REGISTRY);
    await trainAll(t, ws.id, ["POPULAR"]);
    expect((await recs({ p: groups.Shoes[3], n: 2, s: "POPULAR" })).modelVersion).toBe("POPULAR v2");
    await registry.rollback(ws.id, "POPULAR", "test");
    expect((await recs({ p: groups.Shoes[3], n: 2, s: "POPULAR" })).modelVersion).toBe("POPULAR v1");
    expect(versions.POPULAR).toBeDefined();
  });
});
