import { startTestApp, type TestApp, type TestWorkspace } from "../support/test-app";
import { EVENT_INGESTION } from "../../src/events/events.module";
import { CATALOG } from "../../src/catalog/catalog.module";
import { updateRfm } from "../../src/profiles/rfm";
import { recomputeFromEvents, refreshComputed } from "../../src/events/trait-updater";

const HOUR = 3_600_000, DAY = 24 * HOUR;

describe("computed traits", () => {
  let t: TestApp;
  let ws: TestWorkspace;
  const ingest = (events: unknown[]) => t.app.runtime.registry.get(EVENT_INGESTION).ingest(ws.id, events);
  const computedOf = async (profileId: string) => {
    const res = await t.gql<{ profile: { computed: Record<string, unknown> } }>(`query($id: ID!) { profile(id: $id) { computed } }`, { id: profileId }, ws.keys.analyst);
    expect(res.errors).toBeUndefined();
    return res.data!.profile.computed;
  };

  beforeAll(async () => {
    t = await startTestApp();
    ws = await t.createWorkspace("computed");
    await t.app.runtime.registry.get(CATALOG).upsert(ws.id, [
      { id: "i1", title: "Runner", categoryPath: ["Fashion", "Shoes"], price: 50, currency: "EUR" },
      { id: "i2", title: "Tote", categoryPath: ["Fashion", "Bags"], price: 30, currency: "EUR" },
    ]);
  });
  afterAll(() => t.stop());

  it("should match values computed by hand when a profile has purchases, views, cart and email activity", async () => {
    const now = Date.now();
    const at = (msAgo: number) => new Date(now - msAgo).toISOString();
    const u = { userId: "hand" };
    const openAt = new Date(Math.floor((now - 2 * DAY) / HOUR) * HOUR + 5 * 60_000); // 2 days ago, 5 past the hour
    const events = [
      { type: "purchase", occurredAt: at(100 * DAY), properties: { orderId: "o1", lineItems: [{ itemId: "i2", quantity: 1, price: 30 }] } },
      { type: "purchase", occurredAt: at(10 * DAY), properties: { orderId: "o2", lineItems: [{ itemId: "i1", quantity: 2, price: 50 }] } },
      { type: "refund", occurredAt: at(5 * DAY), properties: { orderId: "o2", amount: 20 } },
      { type: "product_view", occurredAt: at(2 * HOUR), properties: { itemId: "i2" } },
      { type: "product_view", occurredAt: at(1 * HOUR), properties: { itemId: "i1" } },
      { type: "add_to_cart", occurredAt: at(50 * 60_000), properties: { itemId: "i1" } },
      { type: "add_to_cart", occurredAt: at(40 * 60_000), properties: { itemId: "i2" } },
      { type: "remove_from_cart", occurredAt: at(30 * 60_000), properties: { itemId: "i2" } },
      ...[3, 3, 3, 3].map((d, i) => ({ type: "email_delivered", occurredAt: at(d * DAY + i * 1000) })),
      { type: "email_open", occurredAt: openAt.toISOString(), context: { timezone: "America/New_York" } },
      { type: "email_open", occurredAt: new Date(openAt.getTime() + 60_000).toISOString(), context: { timezone: "America/New_York" } },
      { type: "email_click", occurredAt: new Date(openAt.getTime() + 120_000).toISOString(), context: { timezone: "America/New_York" } },
    ].map((e, i) => ({ ...e, ...u, messageId: `hand-${i}` }));
    // Two batches, in reverse order: the result must not depend on arrival order.
    const first = await ingest(events.slice(8));
    await ingest(events.slice(0, 8));
    const c = await computedOf(first[0].profileId!);
    expect(c).toMatchObject({
      purchaseCount: 2, revenue: 110, purchaseCount90d: 1, revenue90d: 80, averageOrderValue: 65, recencyDays: 10,
      lastPurchaseCategory: "Shoes", openCart: ["i1"], cartAbandonedSince: at(50 * 60_000), recentlyViewed: ["i1", "i2"],
      emailsDelivered: 4, emailOpenRate: 0.5, emailClickRate: 0.25, topCategories: ["Shoes", "Bags"],
      eventCounts1d: { product_view: 2, add_to_cart: 2, remove_from_cart: 1 },
      eventCounts7d: { product_view: 2, add_to_cart: 2, remove_from_cart: 1, refund: 1, email_delivered: 4, email_open: 2, email_click: 1 },
      eventCounts30d: { product_view: 2, add_to_cart: 2, remove_from_cart: 1, refund: 1, email_delivered: 4, email_open: 2, email_click: 1, purchase: 1 },
    });
    expect(c._state).toBeUndefined();
    // The seen columns follow the folds (the second batch, folded into the stored state, holds the earliest and the latest event).
    const [seen] = await t.app.runtime.kernel.dataSource.query(`SELECT first_seen_at AS f, last_seen_at AS l FROM profiles WHERE id = $1`, [first[0].profileId]);
    expect([seen.f.toISOString(), seen.l.toISOString(), c.firstSeenAt, c.lastSeenAt]).toEqual([at(100 * DAY), at(30 * 60_000), at(100 * DAY), at(30 * 60_000)]);
    const nyHour = Number(new Intl.DateTimeFormat("en-US", { hour: "numeric", hourCycle: "h23", timeZone: "America/New_York" }).format(openAt));
    expect(c.preferredSendHour).toBe(nyHour);
    // Engagement: Σ weight · 2^(−age / 14 days), score = 100 · (1 − e^(−raw / 10)).
    const h14 = (ageMs: number) => Math.pow(2, -ageMs / (14 * DAY));
    const raw = 5 * h14(100 * DAY) + 5 * h14(10 * DAY) + h14(2 * HOUR) + h14(HOUR) + 2 * h14(50 * 60_000) + 2 * h14(40 * 60_000) + 2 * h14(2 * DAY) + 3 * h14(2 * DAY);
    expect(Math.abs((c.engagementScore as number) - 100 * (1 - Math.exp(-raw / 10)))).toBeLessThanOrEqual(1);
    // Affinity: Σ weight · 2^(−age / 30 days) per category, as shares.
    const h30 = (ageMs: number) => Math.pow(2, -ageMs / (30 * DAY));
    const shoes = 5 * h30(10 * DAY) + 1 * h30(HOUR) + 3 * h30(50 * 60_000);
    const bags = 5 * h30(100 * DAY) + 1 * h30(2 * HOUR) + 3 * h30(40 * 60_000);
    const aff = c.categoryAffinity as Record<string, number>;
    expect(aff.Shoes).toBeCloseTo(shoes / (shoes + bags), 3);
    expect(aff.Bags).toBeCloseTo(bags / (shoes + bags), 3);
  });

  it("should give RFM quintiles 1–5 when the scheduled job runs over five buyers", async () => {
    ws = await t.createWorkspace("rfm"); // only these five buyers
    const ids: string[] = [];
    for (let k = 1; k <= 5; k++) {
      const events = Array.from({ length: k }, (_, i) => ({
        messageId: `rfm-${k}-${i}`, type: "purchase", userId: `rfm-${k}`, occurredAt: new Date(Date.now() - (6 - k) * DAY - i * 1000).toISOString(),
        properties: { orderId: `rfm-${k}-${i}`, lineItems: [{ itemId: "i1", quantity: 1, price: 10 * k }] },
      }));
      ids.push((await ingest(events))[0].profileId!);
    }
    await updateRfm(t.app.runtime.kernel.dataSource.manager, ws.id);
    for (let k = 1; k <= 5; k++) {
      const c = await computedOf(ids[k - 1]);
      expect([c.rfmRecency, c.rfmFrequency, c.rfmMonetary]).toEqual([k, k, k]);
      expect(c.rfmSegment).toBe(`R${k}F${k}M${k}`);
    }
  });

  it("should age time-dependent traits when the scheduled refresh runs, and keep folding afterwards", async () => {
    const now = Date.now();
    const [r] = await ingest([
      { messageId: "age-1", type: "product_view", userId: "ager", occurredAt: new Date(now - 2 * DAY).toISOString(), properties: { itemId: "i1" } },
      { messageId: "age-2", type: "purchase", userId: "ager", occurredAt: new Date(now - DAY).toISOString(), properties: { orderId: "a1", currency: "EUR", lineItems: [{ itemId: "i1", quantity: 1, price: 50 }] } },
    ]);
    expect(await computedOf(r.profileId!)).toMatchObject({ recencyDays: 1, eventCounts7d: { product_view: 1, purchase: 1 }, purchaseCount: 1 });
    // Ten days on, with no new events: windows move, lifetime values stay.
    const later = now + 10 * DAY;
    const refreshed = await refreshComputed(t.app.runtime.kernel.dataSource.manager, ws.id, later);
    expect(refreshed).toBeGreaterThanOrEqual(1);
    expect(await computedOf(r.profileId!)).toMatchObject({ recencyDays: 11, eventCounts7d: {}, eventCounts30d: { product_view: 1, purchase: 1 }, purchaseCount: 1, revenue: 50 });
    // The refreshed state is stored whole: the next event folds into it.
    await t.app.runtime.registry.get(EVENT_INGESTION).ingest(ws.id, [{ messageId: "age-3", type: "product_view", userId: "ager", occurredAt: new Date(later - HOUR).toISOString(), properties: { itemId: "i2" } }], { now: new Date(later) });
    expect(await computedOf(r.profileId!)).toMatchObject({ eventCounts7d: { product_view: 1 }, eventCounts30d: { product_view: 2, purchase: 1 }, purchaseCount: 1, recentlyViewed: ["i2", "i1"] });
  });

  it("should reset a profile's computed traits when a rebuild finds none of its events left", async () => {
    const [r] = await ingest([{ messageId: "gone-1", type: "purchase", userId: "gone", occurredAt: new Date(Date.now() - HOUR).toISOString(), properties: { orderId: "g1", currency: "EUR", lineItems: [{ itemId: "i1", quantity: 1, price: 50 }] } }]);
    expect(await computedOf(r.profileId!)).toMatchObject({ purchaseCount: 1, revenue: 50 });
    await t.app.runtime.kernel.dataSource.transaction(async (m) => {
      await m.query(`DELETE FROM events WHERE id = $1`, [r.eventId]);
      await recomputeFromEvents(m, ws.id, [r.profileId!], Date.now());
    });
    expect(await computedOf(r.profileId!)).toMatchObject({ purchaseCount: 0, revenue: 0, firstSeenAt: null, lastSeenAt: null, eventCounts30d: {} });
  });
});
