import { startTestApp, type TestApp, type TestWorkspace } from "../support/test-app";
import { EVENT_INGESTION } from "../../src/events/events.module";
import { decodeState } from "../../src/profiles/trait-state-codec";
import { ProfilesTraitState1795450000000 } from "../../migrations/1795450000000-ProfilesTraitState";

describe("moving trait states out of computed (migration)", () => {
  let t: TestApp;
  let ws: TestWorkspace;

  beforeAll(async () => {
    t = await startTestApp();
    ws = await t.createWorkspace("trait-state-migration");
  });
  afterAll(() => t.stop());

  it("should convert a state stored as JSON in computed._state into trait_state, exactly, and drop it from computed", async () => {
    const now = Date.now();
    const [r] = await t.app.runtime.registry.get(EVENT_INGESTION).ingest(ws.id, [
      { messageId: "mig-1", type: "product_view", userId: "mig-user", occurredAt: new Date(now - 3_600_000).toISOString(), properties: { itemId: "sku-ü" } },
      { messageId: "mig-2", type: "purchase", userId: "mig-user", occurredAt: new Date(now - 60_000).toISOString(), properties: { orderId: "o-1", currency: "EUR", lineItems: [{ itemId: "sku-ü", quantity: 2, price: 9.99 }] } },
    ]);
    const runner = t.app.runtime.kernel.dataSource.createQueryRunner();
    await runner.startTransaction();
    try {
      const [before] = await runner.query(`SELECT computed, trait_state FROM profiles WHERE id = $1`, [r.profileId]);
      const state = decodeState(before.trait_state)!;
      expect(state.purchases).toBe(1);
      // The row as version 3 wrote it: the state as a JSON string of a positional array inside computed.
      const v3 = JSON.stringify([3, state.at, state.eng, Object.fromEntries(state.cat), Object.fromEntries(state.cart), state.viewed.flat(), state.hours.some((h) => h) ? state.hours : 0, state.delivered, state.opens, state.clicks, state.purchases, state.purchaseRevenue, state.refunds, state.first, state.last, state.lastPurchase, state.lastPurchaseCategory, state.hrs, state.days]);
      await runner.query(`ALTER TABLE profiles DROP COLUMN trait_state`);
      await runner.query(`UPDATE profiles SET computed = computed || jsonb_build_object('_state', $2::text) WHERE id = $1`, [r.profileId, v3]);

      await new ProfilesTraitState1795450000000().up(runner);

      const [after] = await runner.query(`SELECT computed, trait_state FROM profiles WHERE id = $1`, [r.profileId]);
      expect(decodeState(after.trait_state)).toEqual(state);
      expect(after.computed).toEqual(before.computed);
      expect(after.computed._state).toBeUndefined();
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });
});
