import type { RecRequest, RecResult } from "./types";

/** Results per workspace, profile and arguments; dropped by that profile's changes, model activations, a catalog change or age. */
export class ResultCache {
  private readonly byWorkspace = new Map<string, Map<string, Map<string, { at: number; catalog: number; result: RecResult }>>>();
  private size = 0;

  constructor(
    private readonly ttlMs = 600_000,
    private readonly maxEntries = 100_000,
  ) {}

  static key(req: RecRequest): string {
    return JSON.stringify([req.n, req.strategy ?? "AUTO", req.filter ?? null, req.diversity ?? null, req.context?.itemId ?? null]);
  }

  get(workspaceId: string, req: RecRequest, catalogVersion: number, now = Date.now()): RecResult | undefined {
    const hit = this.byWorkspace.get(workspaceId)?.get(req.profileId)?.get(ResultCache.key(req));
    return hit && hit.catalog === catalogVersion && now - hit.at < this.ttlMs ? hit.result : undefined;
  }

  set(workspaceId: string, req: RecRequest, result: RecResult, catalogVersion: number, now = Date.now()): void {
    if (this.size >= this.maxEntries) this.clear();
    let ws = this.byWorkspace.get(workspaceId);
    if (!ws) this.byWorkspace.set(workspaceId, (ws = new Map()));
    let profile = ws.get(req.profileId);
    if (!profile) ws.set(req.profileId, (profile = new Map()));
    if (!profile.has(ResultCache.key(req))) this.size++;
    profile.set(ResultCache.key(req), { at: now, catalog: catalogVersion, result });
  }

  invalidateProfile(workspaceId: string, profileId: string): void {
    const ws = this.byWorkspace.get(workspaceId);
    const profile = ws?.get(profileId);
    if (!profile) return;
    this.size -= profile.size;
    ws!.delete(profileId);
  }

  invalidateWorkspace(workspaceId: string): void {
    const ws = this.byWorkspace.get(workspaceId);
    if (!ws) return;
    for (const p of ws.values()) this.size -= p.size;
    this.byWorkspace.delete(workspaceId);
  }

  clear(): void {
    this.byWorkspace.clear();
    this.size = 0;
  }
}
