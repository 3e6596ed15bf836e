import type { DataSource } from "typeorm";
import { startTestApp, type TestApp, type TestWorkspace } from "../support/test-app";
import { createSegment, hoursAgo, insertEvent, insertItem, insertProfile } from "./fixtures";

describe("segment rules against hand-built profiles", () => {
  let t: TestApp;
  let ws: TestWorkspace;
  let ds: DataSource;
  const names = new Map<string, string>();

  const match = async (condition: unknown, key = ws.keys.analyst): Promise<string[]> => {
    const res = await t.gql<{ segmentPreview: { count: number; sample: { id: string }[] } }>(
      `query($c: SegmentConditionInput!) { segmentPreview(condition: $c, sample: 100) { count sample { id } } }`,
      { c: condition },
      key,
    );
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    expect(res.data!.segmentPreview.count).toBe(res.data!.segmentPreview.sample.length);
    return res.data!.segmentPreview.sample.map((p) => names.get(p.id)!).sort();
  };

  beforeAll(async () => {
    t = await startTestApp();
    ws = await t.createWorkspace("seg-rules");
    ds = t.app.runtime.kernel.dataSource;
    const add = async (name: string, traits: Record<string, unknown>, computed: Record<string, unknown> = {}) => {
      const id = await insertProfile(ds, ws.id, { name, ...traits }, computed);
      names.set(id, name);
      return id;
    };
    const ann = await add("ann", { age: 34, plan: "gold", vip: true, signup: "2024-01-15T00:00:00Z", tags: ["a", "b"] }, { purchase_propensity: 0.9 });
    const bob = await add("bob", { age: 19, plan: "silver", vip: false, signup: "2023-06-01", tags: ["b"] }, { purchase_propensity: 0.2 });
    const cy = await add("cy", { age: "old", plan: "goldfish", tags: [], signup: "garbage" });
    await add("dee", {});
    await insertItem(ds, ws.id, "tv", { categoryPath: ["Electronics", "TV"], brand: "Sony", price: 500, tags: ["4k"] });
    await insertItem(ds, ws.id, "novel", { categoryPath: ["Books", "Fiction"], brand: "Penguin", price: 10 });
    for (const h of [1, 20, 40]) await insertEvent(ds, ws.id, ann, "purchase", hoursAgo(h), { total: 120, coupon: "X" }, ["tv"]);
    await insertEvent(ds, ws.id, bob, "add_to_cart", hoursAgo(2), {}, ["novel"]);
    await insertEvent(ds, ws.id, bob, "purchase", hoursAgo(24 * 30), { total: 10, channels: ["web", "app"] }, ["novel"]);
    await insertEvent(ds, ws.id, cy, "add_to_cart", hoursAgo(30));
  });
  afterAll(() => t.stop());

  const trait = (name: string, op: string, extra: Record<string, unknown> = {}) => ({ trait: { name, op, ...extra } });

  it("should compare number traits with every numeric operator when values are numbers", async () => {
    expect(await match(trait("age", "GT", { value: 30 }))).toEqual(["ann"]);
    expect(await match(trait("age", "GTE", { value: 34 }))).toEqual(["ann"]);
    expect(await match(trait("age", "LT", { value: 20 }))).toEqual(["bob"]);
    expect(await match(trait("age", "LTE", { value: 34 }))).toEqual(["ann", "bob"]);
    expect(await match(trait("age", "EQ", { value: 19 }))).toEqual(["bob"]);
    expect(await match(trait("age", "NEQ", { value: 19 }))).toEqual(["ann"]);
    expect(await match(trait("age", "BETWEEN", { values: [18, 40] }))).toEqual(["ann", "bob"]);
    expect(await match(trait("age", "IN", { values: [19, 50] }))).toEqual(["bob"]);
    expect(await match(trait("age", "NOT_IN", { values: [19] }))).toEqual(["ann"]);
    expect(await match(trait("age", "EXISTS"))).toEqual(["ann", "bob", "cy"]);
    expect(await match(trait("age", "NOT_EXISTS"))).toEqual(["dee"]);
  });

  it("should compare string, boolean, date and list traits when each has its own operators", async () => {
    expect(await match(trait("plan", "EQ", { value: "gold" }))).toEqual(["ann"]);
    expect(await match(trait("plan", "NEQ", { value: "gold" }))).toEqual(["bob", "cy"]);
    expect(await match(trait("plan", "CONTAINS", { value: "old" }))).toEqual(["ann", "cy"]);
    expect(await match(trait("plan", "STARTS_WITH", { value: "gold" }))).toEqual(["ann", "cy"]);
    expect(await match(trait("plan", "IN", { values: ["silver", "bronze"] }))).toEqual(["bob"]);
    expect(await match(trait("vip", "EQ", { value: true }))).toEqual(["ann"]);
    expect(await match(trait("vip", "NEQ", { value: true }))).toEqual(["bob"]);
    expect(await match(trait("signup", "GT", { value: "2024-01-01" }))).toEqual(["ann"]);
    expect(await match(trait("signup", "BETWEEN", { values: ["2023-01-01", "2023-12-31T23:59:59Z"] }))).toEqual(["bob"]);
    expect(await match(trait("tags", "CONTAINS", { value: "a" }))).toEqual(["ann"]);
    expect(await match(trait("tags", "CONTAINS_ANY", { values: ["b", "z"] }))).toEqual(["ann", "bob"]);
    expect(await match(trait("tags", "CONTAINS_ALL", { values: ["a", "b"] }))).toEqual(["ann"]);
    expect(await match({ trait: { name: "purchase_propensity", source: "COMPUTED", op: "GT", value: 0.7 } })).toEqual(["ann"]);
  });

  it("should combine conditions when and, or and not are nested", async () => {
    expect(await match({ not: trait("age", "GT", { value: 30 }) })).toEqual(["bob", "cy", "dee"]);
    expect(await match({ or: [trait("age", "GT", { value: 30 }), trait("plan", "EQ", { value: "silver" })] })).toEqual(["ann", "bob"]);
    expect(await match({ and: [trait("tags", "CONTAINS", { value: "b" }), { not: trait("vip", "EQ", { value: true }) }] })).toEqual(["bob"]);
  });

  it("should count events within windows when conditions say at least, at most, exactly or did not", async () => {
    const ev = (e: Record<string, unknown>) => ({ event: e });
    expect(await match(ev({ type: "purchase", count: "AT_LEAST", times: 3, within: { days: 7 } }))).toEqual(["ann"]);
    expect(await match(ev({ type: "purchase", count: "AT_LEAST", times: 2, within: { hours: 24 } }))).toEqual(["ann"]);
    expect(await match(ev({ type: "purchase", count: "AT_LEAST", times: 3, within: { hours: 24 } }))).toEqual([]);
    expect(await match(ev({ type: "purchase" }))).toEqual(["ann", "bob"]);
    expect(await match(ev({ type: "purchase", count: "EXACTLY", times: 1 }))).toEqual(["bob"]);
    expect(await match(ev({ type: "purchase", count: "AT_MOST", times: 1 }))).toEqual(["bob", "cy", "dee"]);
    expect(await match(ev({ type: "purchase", didNot: true, within: { days: 7 } }))).toEqual(["bob", "cy", "dee"]);
    expect(await match(ev({ type: "add_to_cart", within: { hours: 24 } }))).toEqual(["bob"]);
    expect(await match(ev({ type: "add_to_cart", within: { days: 2 } }))).toEqual(["bob", "cy"]);
  });

  it("should filter events by properties and by their catalog items", async () => {
    const ev = (e: Record<string, unknown>) => ({ event: { type: "purchase", ...e } });
    expect(await match(ev({ where: [{ property: "total", op: "GT", value: 100 }] }))).toEqual(["ann"]);
    expect(await match(ev({ where: [{ property: "coupon", op: "EQ", value: "X" }] }))).toEqual(["ann"]);
    expect(await match(ev({ where: [{ property: "channels", op: "CONTAINS", value: "app" }] }))).toEqual(["bob"]);
    expect(await match(ev({ items: [{ field: "CATEGORY", op: "EQ", value: "Electronics" }] }))).toEqual(["ann"]);
    expect(await match(ev({ items: [{ field: "CATEGORY", op: "IN", values: ["Books"] }] }))).toEqual(["bob"]);
    expect(await match(ev({ items: [{ field: "PRICE", op: "GT", value: 100 }, { field: "BRAND", op: "EQ", value: "Sony" }] }))).toEqual(["ann"]);
    expect(await match(ev({ items: [{ field: "TAGS", op: "CONTAINS", value: "4k" }] }))).toEqual(["ann"]);
    expect(await match({ event: { type: "add_to_cart", items: [{ field: "BRAND", op: "IN", values: ["Penguin"] }] } })).toEqual(["bob"]);
  });

  it("should match members of another segment when a rule references it", async () => {
    const adults = await createSegment(t, ws.keys.editor, "Adults over 30", trait("age", "GT", { value: 30 }));
    expect(await match({ segment: { id: adults.id } })).toEqual(["ann"]);
    expect(await match({ and: [trait("age", "EXISTS"), { not: { segment: { id: adults.id } } }] })).toEqual(["bob", "cy"]);
  });

  it("should match consent status per purpose when consents are recorded", async () => {
    const [ann] = [...names].find(([, n]) => n === "ann")!;
    const [bob] = [...names].find(([, n]) => n === "bob")!;
    await ds.query(`INSERT INTO consents (workspace_id, profile_id, purpose, status, occurred_at) VALUES ($1, $2, 'email_marketing', 'GRANTED', now()), ($1, $3, 'email_marketing', 'DENIED', now())`, [ws.id, ann, bob]);
    expect(await match({ consent: { purpose: "email_marketing", status: "GRANTED" } })).toEqual(["ann"]);
    expect(await match({ consent: { purpose: "email_marketing", status: "DENIED" } })).toEqual(["bob"]);
    expect(await match({ consent: { purpose: "email_marketing", status: "UNKNOWN" } })).toEqual(["cy", "dee"]);
  });
});
