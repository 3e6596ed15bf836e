import type { DataSource } from "typeorm";
import { FEATURE_NAMES, PURCHASE_FEATURE_NAMES } from "../../src/predictions/features/feature-set";
import { loadAggregates } from "../../src/predictions/features/feature-sql";
import { aggregateHistory, featureVector, type OrderRecord } from "../../src/predictions/features/feature-vector";
import { seededRandom } from "../../src/common/random";
import { startTestApp, type TestApp } from "../support/test-app";
import { insertEvents, insertProfiles, purchase, simulateShop, type SeedEvent } from "../bench/support/predictions-data";

const DAY = 86_400_000;

describe("prediction features (one SQL definition, as of a cutoff)", () => {
  let t: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.runtime.kernel.dataSource;
  });
  afterAll(() => t.stop());

  it("should ignore every event after the cutoff when computing training features", async () => {
    const ws = await t.createWorkspace("feat");
    const [a, b] = await insertProfiles(db, ws.id, 2);
    const cutoff = new Date("2024-06-01T00:00:00Z");
    const before = [purchase(a, new Date(cutoff.getTime() - 40 * DAY), 50, ["x", "y"], 2), purchase(a, new Date(cutoff.getTime() - 10 * DAY), 20, ["x"], 1)];
    await insertEvents(db, ws.id, before);
    const snapshot = await loadAggregates(db, ws.id, cutoff, null);
    // Events after the cutoff: purchases, refunds, opens and views, and one exactly at the cutoff.
    const after: SeedEvent[] = [
      purchase(a, cutoff, 999, ["z"], 9),
      purchase(a, new Date(cutoff.getTime() + 5 * DAY), 500, ["q"], 3),
      { profileId: a, type: "refund", at: new Date(cutoff.getTime() + DAY), revenue: -20 },
      { profileId: a, type: "email_open", at: new Date(cutoff.getTime() + 2 * DAY) },
      { profileId: a, type: "product_view", at: new Date(cutoff.getTime() + 3 * DAY), itemIds: ["x"] },
      purchase(b, new Date(cutoff.getTime() + DAY), 10, ["x"]),
    ];
    await insertEvents(db, ws.id, after);
    const again = await loadAggregates(db, ws.id, cutoff, null);
    expect(featureVector(again.get(a)!)).toEqual(featureVector(snapshot.get(a)!));
    // b bought only after the cutoff: as of the cutoff it has no purchase at all.
    expect(again.get(b)!.orders).toBe(0);
    expect(featureVector(again.get(a)!)[FEATURE_NAMES.indexOf("orders_total")]).toBe(2);
    expect(featureVector(again.get(a)!)[FEATURE_NAMES.indexOf("recency_days")]).toBeCloseTo(10, 9);
    // As of later, the same SQL sees them.
    const later = await loadAggregates(db, ws.id, new Date(cutoff.getTime() + 10 * DAY), [a]);
    expect(later.get(a)!.orders).toBe(4);
    expect(later.get(a)!.refunds).toBe(1);
    expect(later.get(a)!.opens30).toBe(1);
  });

  it("should give the same purchase features as the in-memory reference when histories are random", async () => {
    const ws = await t.createWorkspace("twin");
    const ids = await insertProfiles(db, ws.id, 40);
    const cutoff = new Date("2024-03-01T00:00:00Z");
    const events = simulateShop(ids, cutoff, 400, 11);
    const random = seededRandom(5);
    for (const id of ids.slice(0, 10)) events.push({ profileId: id, type: "refund", at: new Date(cutoff.getTime() - random() * 200 * DAY), revenue: -Math.round(random() * 3000) / 100 });
    await insertEvents(db, ws.id, events);
    const sql = await loadAggregates(db, ws.id, cutoff, null);
    for (const id of ids) {
      const history: OrderRecord[] = events
        .filter((e) => e.profileId === id && (e.type === "purchase" || e.type === "refund"))
        .map((e) => ({ at: e.at.getTime(), revenue: e.revenue ?? 0, refund: e.type === "refund", items: e.itemIds ?? [], units: e.type === "purchase" ? (e.properties!.lineItems as { quantity: number }[]).reduce((s, l) => s + l.quantity, 0) : 0 }));
      const expected = featureVector(aggregateHistory(history, cutoff.getTime()));
      const actual = featureVector(sql.get(id)!);
      PURCHASE_FEATURE_NAMES.forEach((name, j) => {
        // Timestamps are stored to the microsecond, revenue to 4 decimals.
        if (Math.abs(actual[j] - expected[j]) > 1e-6 * Math.max(1, Math.abs(expected[j]))) throw new Error(`${name} of ${id}: SQL ${actual[j]} vs reference ${expected[j]}`);
      });
    }
  });

  it("should keep workspaces apart when two workspaces have events", async () => {
    const one = await t.createWorkspace("iso1");
    const two = await t.createWorkspace("iso2");
    const [p] = await insertProfiles(db, one.id, 1);
    await insertEvents(db, one.id, [purchase(p, new Date(Date.now() - DAY), 10, ["x"])]);
    expect((await loadAggregates(db, two.id, new Date(), [p])).size).toBe(0);
    expect((await loadAggregates(db, one.id, new Date(), [p])).get(p)!.orders).toBe(1);
  });
});
