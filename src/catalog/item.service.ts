import type { DataSource } from "typeorm";
import type { DomainBus } from "../common/bus";
import type { FieldProblem } from "../common/errors";
import { Item } from "./item.entity";

/** An item as sent by clients and the importer. */
export interface ItemInputLike {
  id: string;
  title: string;
  description?: string | null;
  url?: string | null;
  imageUrl?: string | null;
  categoryPath?: string[] | null;
  brand?: string | null;
  price?: number | null;
  currency?: string | null;
  available?: boolean | null;
  tags?: string[] | null;
  attributes?: Record<string, unknown> | null;
}

/** The answer for one item of a batch. */
export interface ItemResult {
  index: number;
  id: string;
  status: "UPSERTED" | "REJECTED";
  reasons: FieldProblem[];
}

declare module "../common/bus" {
  interface DomainEvents {
    /** Items of a workspace were inserted or updated (derived catalog copies reload). */
    "catalog.changed": { itemCount: number };
  }
}

const CURRENCIES = new Set(Intl.supportedValuesOf("currency"));

/** Checks one item; returns every problem with its path. */
export function validateItem(item: ItemInputLike, path: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const p = (field: string, message: string) => problems.push({ path: `${path}.${field}`, message });
  if (!item.id?.trim() || item.id.length > 200) p("id", "must be 1 to 200 characters");
  if (!item.title?.trim() || item.title.length > 500) p("title", "must be 1 to 500 characters");
  if (item.price !== null && item.price !== undefined && (!Number.isFinite(item.price) || item.price < 0 || item.price > 10_000_000)) p("price", "must be from 0 to 10,000,000");
  if (item.currency && !CURRENCIES.has(item.currency.toUpperCase())) p("currency", `"${item.currency.slice(0, 10)}" is not an ISO 4217 currency code`);
  for (const f of ["url", "imageUrl"] as const) if (item[f] && !/^https?:\/\/\S+$/.test(item[f]!)) p(f, "must be an http(s) URL");
  if ((item.categoryPath?.length ?? 0) > 10) p("categoryPath", "must have at most 10 levels");
  if ((item.tags?.length ?? 0) > 100) p("tags", "must have at most 100 tags");
  return problems;
}

/** The catalog: upsert in one statement per batch, reads scoped to a workspace. */
export class ItemService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly bus?: DomainBus,
  ) {}

  async upsert(workspaceId: string, items: ItemInputLike[], path = "items"): Promise<ItemResult[]> {
    const results: ItemResult[] = items.map((item, index) => {
      const reasons = validateItem(item, `${path}[${index}]`);
      return { index, id: item.id, status: reasons.length ? "REJECTED" : "UPSERTED", reasons };
    });
    // Last occurrence of an id wins inside one batch (ON CONFLICT cannot touch a row twice).
    const latest = new Map<string, ItemInputLike>();
    results.forEach((r) => r.status === "UPSERTED" && latest.set(items[r.index].id, items[r.index]));
    const rows = [...latest.values()].map((i) => ({
      id: i.id, title: i.title.trim(), description: i.description ?? null, url: i.url ?? null, image_url: i.imageUrl ?? null,
      category_path: i.categoryPath ?? [], category: i.categoryPath?.at(-1) ?? null, brand: i.brand ?? null, price: i.price ?? null,
      currency: i.currency?.toUpperCase() ?? null, available: i.available ?? true, tags: i.tags ?? [], attributes: i.attributes ?? {},
    }));
    if (rows.length)
      await this.dataSource.query(
        `INSERT INTO items (workspace_id, id, title, description, url, image_url, category_path, category, brand, price, currency, available, tags, attributes)
         SELECT $1, x.id, x.title, x.description, x.url, x.image_url, x.category_path, x.category, x.brand, x.price, x.currency, x.available, x.tags, x.attributes
         FROM jsonb_to_recordset($2::jsonb) AS x(id text, title text, description text, url text, image_url text, category_path text[], category text, brand text, price numeric, currency text, available boolean, tags text[], attributes jsonb)
         ON CONFLICT (workspace_id, id) DO UPDATE SET title = EXCLUDED.title, description = EXCLUDED.description, url = EXCLUDED.url, image_url = EXCLUDED.image_url,
           category_path = EXCLUDED.category_path, category = EXCLUDED.category, brand = EXCLUDED.brand, price = EXCLUDED.price, currency = EXCLUDED.currency,
           available = EXCLUDED.available, tags = EXCLUDED.tags, attributes = EXCLUDED.attributes, updated_at = now()`,
        [workspaceId, JSON.stringify(rows)],
      );
    if (rows.length) this.bus?.publish("catalog.changed", { workspaceId, itemCount: rows.length });
    return results;
  }

  /** Items in key order (null when unknown); one query. */
  async getMany(workspaceId: string, ids: readonly string[]): Promise<(Item | null)[]> {
    if (!ids.length) return [];
    const rows = await this.dataSource.getRepository(Item).createQueryBuilder("i").where("i.workspace_id = :workspaceId AND i.id = ANY(:ids::text[])", { workspaceId, ids: [...ids] }).getMany();
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  }
}
