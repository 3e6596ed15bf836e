import type { DataSource } from "typeorm";
import type { KindredModule } from "../../src/common/kernel";

/**
 * Stand-ins for decision services rendering consumes (segments, predictions, recommendations),
 * provided under the same service names for tests and the benchmark when those modules are not
 * the subject. Recommendations are real catalog rows (one query per batch); segment memberships and
 * predictions are set by the test.
 */
export class DecisionFixtures {
  readonly segments = new Map<string, string[]>();
  readonly predictions = new Map<string, Record<string, number>>();
  /** Segment id (uuid) → key, for audiences by segment. */
  readonly segmentIds = new Map<string, string>();
  recommendCalls = 0;
  dataSource!: DataSource;
  /** Services this instance actually stood in for. */
  readonly stubbed: string[] = [];

  /** `onlyMissing`: provide a stand-in only where no module provides the real service. */
  constructor(private readonly options: { onlyMissing?: boolean } = {}) {}

  module(): KindredModule {
    return {
      name: "rendering-test-fixtures",
      entities: [],
      create: (kernel, registry) => {
        this.dataSource = kernel.dataSource;
        const modules = {
          provide: (key: { name: string }, service: unknown) => {
            if (this.options.onlyMissing) {
              try {
                registry.get(key as never);
                return;
              } catch {
                // not provided by a real module: stand in
              }
            }
            this.stubbed.push(key.name);
            registry.provide(key as never, service);
          },
        };
        modules.provide({ name: "segments" }, {
          membershipsFor: async (_ws: string, ids: string[]) => new Map(ids.map((id) => [id, (this.segments.get(id) ?? []).map((key) => ({ id: key, key, name: key }))])),
          memberIds: async (_ws: string, segmentId: string, first: number, after: string | null) =>
            [...this.segments].filter(([, keys]) => keys.includes(this.segmentIds.get(segmentId) ?? "")).map(([id]) => id).sort().filter((id) => !after || id > after).slice(0, first),
        });
        modules.provide({ name: "predictions" }, {
          predict: async (_ws: string, ids: string[]) => new Map(ids.map((id) => [id, this.predictions.get(id) ?? {}])),
        });
        modules.provide({ name: "recommendations" }, {
          recommend: async (ws: string, requests: { profileId: string; n: number; strategy: string; filter?: { category?: string } }[]) => {
            this.recommendCalls++;
            const n = Math.max(...requests.map((r) => r.n));
            const category = requests[0]?.filter?.category ?? null;
            const rows: { id: string }[] = await this.dataSource.query(
              `SELECT id FROM items WHERE workspace_id = $1 AND available AND ($2::text IS NULL OR category = $2) ORDER BY id LIMIT $3`,
              [ws, category, n + 20],
            );
            // rotate by profile id so recipients differ, the same way in any batch
            return requests.map((r) => ({
              profileId: r.profileId,
              strategy: r.strategy === "AUTO" ? "POPULAR" : r.strategy,
              modelVersion: "fixture-1",
              items: rows.slice(spread(r.profileId) % Math.max(1, rows.length - r.n + 1)).slice(0, r.n).map((row, rank) => ({ itemId: row.id, score: 1 - rank / 10 })),
            }));
          },
        });
        return {};
      },
    };
  }
}

const spread = (id: string) => [...id].reduce((sum, c) => sum + c.charCodeAt(0), 0);

/** Inserts a profile straight into the core table (customer-data writes are not under test here). */
export async function insertProfile(dataSource: DataSource, workspaceId: string, traits: Record<string, unknown>, computed: Record<string, unknown> = {}): Promise<string> {
  const [row] = await dataSource.query(`INSERT INTO profiles (workspace_id, traits, computed, known) VALUES ($1, $2::jsonb, $3::jsonb, true) RETURNING id`, [workspaceId, JSON.stringify(traits), JSON.stringify(computed)]);
  return row.id;
}

/** Inserts catalog items `sku-1…sku-n` in a category. */
export async function insertItems(dataSource: DataSource, workspaceId: string, n: number, category = "Shoes"): Promise<void> {
  for (let i = 1; i <= n; i++) {
    await dataSource.query(
      `INSERT INTO items (workspace_id, id, title, url, image_url, price, currency, category_path, category, brand, available)
       VALUES ($1, $2, $3, $4, $5, $6, 'USD', ARRAY[$7], $7, 'Acme', true) ON CONFLICT DO NOTHING`,
      [workspaceId, `sku-${i}`, `Item ${i}`, `https://shop.example.com/p/sku-${i}`, `https://cdn.example.com/sku-${i}.jpg`, 10 + i, category],
    );
  }
}

export const SAVE_TEMPLATE = `mutation($input: SaveTemplateInput!) { saveTemplate(input: $input) { template { id name latestVersion } version { id version blockVersions } } }`;
export const RENDER = `query($t: ID!, $p: ID!, $ctx: JSONObject, $c: String, $l: String) { render(templateId: $t, profileId: $p, context: $ctx, campaignId: $c, locale: $l) {
  profileId subject preheader html text personalization { templateId templateVersion locale fallback experimentId variant segments sources recommendations { strategy modelVersion itemIds } } } }`;
export const RENDER_BATCH = `query($t: ID!, $ids: [ID!], $seg: ID, $first: Int!, $after: String, $ctx: JSONObject, $c: String) { renderBatch(templateId: $t, profileIds: $ids, segmentId: $seg, first: $first, after: $after, context: $ctx, campaignId: $c) {
  emails { profileId subject preheader html text personalization { templateVersion fallback segments sources recommendations { strategy modelVersion itemIds } } } problems { profileId message } pageInfo { hasNextPage endCursor } } }`;
