import { seededRandom } from "../../../src/common/random";

/** A TypeORM DataSource or a pg Client: anything that runs SQL with parameters. */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

// DataSource.query answers rows; pg's Client answers { rows }.
const rowsOf = <T>(result: unknown): T[] => (Array.isArray(result) ? result : (result as { rows: T[] }).rows);

const DAY = 86_400_000;

/** One event to insert as it is (the tests own their data: no ingestion rules in the way). */
export interface SeedEvent {
  profileId: string;
  type: string;
  at: Date;
  revenue?: number | null;
  itemIds?: string[];
  properties?: Record<string, unknown>;
}

/** Inserts `count` profiles with the same traits; returns their ids. */
export async function insertProfiles(db: Queryable, workspaceId: string, count: number, traits: Record<string, unknown> = {}): Promise<string[]> {
  const result = await db.query(
    `INSERT INTO profiles (workspace_id, traits, computed, known) SELECT $1, $2::jsonb, '{}'::jsonb, true FROM generate_series(1, $3) RETURNING id`,
    [workspaceId, JSON.stringify(traits), count],
  );
  return rowsOf<{ id: string }>(result).map((r) => r.id);
}

/** Inserts events as they are, 5,000 per statement. */
export async function insertEvents(db: Queryable, workspaceId: string, events: SeedEvent[]): Promise<void> {
  for (let i = 0; i < events.length; i += 5000) {
    const chunk = events.slice(i, i + 5000);
    await db.query(
      `INSERT INTO events (workspace_id, message_id, type, occurred_at, profile_id, properties, item_ids, revenue, currency)
       SELECT $1, gen_random_uuid()::text, t, at, p, props - '_items', COALESCE(items, '{}'), rev, 'GBP'
       FROM unnest($2::text[], $3::timestamptz[], $4::uuid[], $5::jsonb[], $6::numeric[]) AS v(t, at, p, props, rev)
       CROSS JOIN LATERAL (SELECT ARRAY(SELECT jsonb_array_elements_text(props->'_items')) AS items) i`,
      [
        workspaceId,
        chunk.map((e) => e.type),
        chunk.map((e) => e.at.toISOString()),
        chunk.map((e) => e.profileId),
        chunk.map((e) => JSON.stringify({ ...(e.properties ?? {}), _items: e.itemIds ?? [] })),
        chunk.map((e) => (e.revenue === undefined ? null : e.revenue)),
      ],
    );
  }
}

/** A purchase with line items (units from quantities). */
export function purchase(profileId: string, at: Date, revenue: number, items: string[], quantity = 1): SeedEvent {
  return { profileId, type: "purchase", at, revenue, itemIds: items, properties: { orderId: `o-${at.getTime()}-${profileId.slice(0, 6)}`, lineItems: items.map((itemId) => ({ itemId, quantity, price: revenue / items.length })) } };
}

/**
 * A shop whose customers buy at their own steady rate (Poisson, 1 to 40 days between orders):
 * frequent buyers are likelier to buy again in any window, so propensity is learnable.
 */
export function simulateShop(profileIds: string[], asOf: Date, days: number, seed: number): SeedEvent[] {
  const random = seededRandom(seed);
  const events: SeedEvent[] = [];
  for (const id of profileIds) {
    const meanGap = 1 + random() * 60;
    const start = asOf.getTime() - days * DAY * (0.3 + 0.7 * random());
    // Some customers stop buying at a random time.
    const stop = random() < 0.4 ? start + random() * (asOf.getTime() - start) : asOf.getTime();
    let t = start;
    while (t < stop) {
      events.push(purchase(id, new Date(t), Math.round((10 + random() * 90) * 100) / 100, [`sku-${Math.floor(random() * 50)}`, `sku-${Math.floor(random() * 50)}`], 1 + Math.floor(random() * 5)));
      t += -Math.log(1 - random()) * meanGap * DAY;
    }
  }
  return events;
}
