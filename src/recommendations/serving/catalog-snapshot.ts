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

/** A workspace's catalog in memory; every `ttlMs` a cheap fingerprint query decides whether to reload. */
export class CatalogSnapshots {
  private readonly snapshots = new Map<string, { at: number; byId: Map<string, CatalogEntry>; version: number; fingerprint: string; loading?: Promise<void> }>();
  private counter = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly ttlMs = 30_000,
  ) {}

  /** The current snapshot; `version` changes only when the catalog did (results cached under an older version are stale). */
  async get(workspaceId: string): Promise<{ byId: Map<string, CatalogEntry>; version: number }> {
    const hit = this.snapshots.get(workspaceId);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit;
    if (hit?.loading) {
      await hit.loading;
      return this.snapshots.get(workspaceId)!;
    }
    const loading = this.refresh(workspaceId, hit?.fingerprint);
    if (hit) hit.loading = loading;
    else this.snapshots.set(workspaceId, { at: 0, byId: new Map(), version: -1, fingerprint: "", loading });
    try {
      await loading;
    } finally {
      const now = this.snapshots.get(workspaceId);
      if (now) delete now.loading;
    }
    return this.snapshots.get(workspaceId)!;
  }

  /** The snapshot if it is fresh, without waiting (a cache-hit path that must not yield to the event loop). */
  peek(workspaceId: string): { byId: Map<string, CatalogEntry>; version: number } | undefined {
    const hit = this.snapshots.get(workspaceId);
    return hit && hit.version >= 0 && Date.now() - hit.at < this.ttlMs ? hit : undefined;
  }

  /** Forces a reload on next use (catalog changed). */
  invalidate(workspaceId: string): void {
    const hit = this.snapshots.get(workspaceId);
    if (hit) {
      hit.at = 0;
      hit.fingerprint = "";
    }
  }

  private async refresh(workspaceId: string, previous: string | undefined): Promise<void> {
    const [fp] = await this.dataSource.query(`SELECT count(*)::text || '|' || COALESCE(max(updated_at)::text, '') AS f FROM items WHERE workspace_id = $1`, [workspaceId]);
    if (previous && fp.f === previous) {
      this.snapshots.get(workspaceId)!.at = Date.now();
      return;
    }
    const rows: { id: string; title: string; category: string | null; category_path: string[]; brand: string | null; price: string | null; available: boolean }[] = await this.dataSource.query(
      `SELECT id, title, category, category_path, brand, price, available FROM items WHERE workspace_id = $1`,
      [workspaceId],
    );
    const byId = new Map<string, CatalogEntry>();
    for (const r of rows) byId.set(r.id, { id: r.id, title: r.title, category: r.category, categoryPath: r.category_path ?? [], brand: r.brand, price: r.price === null ? null : Number(r.price), available: r.available });
    this.snapshots.set(workspaceId, { at: Date.now(), byId, version: ++this.counter, fingerprint: fp.f });
  }
}
