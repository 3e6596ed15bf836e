import { startTestApp, type TestApp, type TestWorkspace } from "../support/test-app";
import { EVENT_INGESTION } from "../../src/events/events.module";
import { decodeState } from "../../src/profiles/trait-state-codec";
import { decodeJsonState, encodeJsonState } from "../../src/profiles/trait-state-json";
import { ProfilesTraitState1795450000000 } from "../../migrations/1795450000000-ProfilesTraitState";

describe("moving trait states out of computed (migration)", () => {
  let t: TestApp;
  let ws: TestWorkspace;

  beforeAll(async () => {
    t = await startTestApp();
    ws = await t.createWorkspace("trait-state-migration");
  });
  afterAll(() => t.stop());

  it("should move a state back into computed._state as JSON (down) and into trait_state again (up), exactly", async () => {
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
      const migration = new ProfilesTraitState1795450000000();
      // Down: the row as version 3 wrote it, the state as a JSON string of a positional array inside computed.
      await migration.down(runner);
      const [down] = await runner.query(`SELECT computed FROM profiles WHERE id = $1`, [r.profileId]);
      expect(down.computed._state).toBe(encodeJsonState(state));
      expect(decodeJsonState(down.computed._state)).toEqual(state);
      expect(await runner.query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'profiles' AND column_name = 'trait_state'`)).toEqual([]);

      await migration.up(runner);

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
