import type { DataSource } from "typeorm";

/** What serving needs of a catalog item. */
export interface CatalogEntry {
  id: string;
  title: string;
  category: string | null;
  categoryPath: string[];
  brand: string | null;
  price: number | null;
  available: boolean;
}

/** A workspace's catalog in memory, aligned to item ids; refreshed after `ttlMs`. */
export class CatalogSnapshots {
  private readonly snapshots = new Map<string, { at: number; byId: Map<string, CatalogEntry>; version: number; loading?: Promise<void> }>();
  private counter = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly ttlMs = 60_000,
  ) {}

  /** The current snapshot (loads or refreshes when stale; concurrent callers share one load). */
  async get(workspaceId: string): Promise<{ byId: Map<string, CatalogEntry>; version: number }> {
    const hit = this.snapshots.get(workspaceId);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit;
    if (hit?.loading) {
      await hit.loading;
      return this.snapshots.get(workspaceId)!;
    }
    const loading = this.load(workspaceId);
    if (hit) hit.loading = loading;
    else this.snapshots.set(workspaceId, { at: 0, byId: new Map(), version: -1, loading });
    await loading;
    return this.snapshots.get(workspaceId)!;
  }

  /** Forgets a workspace's snapshot (catalog changed). */
  invalidate(workspaceId: string): void {
    const hit = this.snapshots.get(workspaceId);
    if (hit) hit.at = 0;
  }

  private async load(workspaceId: string): Promise<void> {
    const rows: { id: string; title: string; category: string | null; category_path: string[]; brand: string | null; price: string | null; available: boolean }[] = await this.dataSource.query(
      `SELECT id, title, category, category_path, brand, price, available FROM items WHERE workspace_id = $1`,
      [workspaceId],
    );
    const byId = new Map<string, CatalogEntry>();
    for (const r of rows) byId.set(r.id, { id: r.id, title: r.title, category: r.category, categoryPath: r.category_path ?? [], brand: r.brand, price: r.price === null ? null : Number(r.price), available: r.available });
    this.snapshots.set(workspaceId, { at: Date.now(), byId, version: ++this.counter });
  }
}
