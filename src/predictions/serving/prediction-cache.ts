import { InvalidationLog } from "../../common/invalidation-log";

/**
 * Answers per profile in memory, so a repeat request does no SQL and no model run. An entry is
 * dropped by its profile's own changes (events, traits, consent, merge), by a model activation in
 * its workspace, and by age: features are "as of now" (recency and windows move with the clock), so
 * the TTL bounds how old "now" may be. A computation that started before an invalidation of its
 * profile or workspace is served once but not stored (it may predate the change).
 */
export class PredictionCache<T> {
  private readonly workspaces = new Map<string, Map<string, { at: number; value: T }>>();
  private size = 0;
  private readonly log = new InvalidationLog();

  constructor(
    private readonly ttlMs = 60_000,
    private readonly maxEntries = 50_000,
  ) {}

  /** The current epoch: pass it back to `set`, so a computation overtaken by an invalidation is dropped. */
  begin(): number {
    return this.log.begin();
  }

  get(workspaceId: string, profileId: string, now: number): T | undefined {
    const hit = this.workspaces.get(workspaceId)?.get(profileId);
    // A clock that went back (tests, fake clocks) also misses.
    return hit && now - hit.at < this.ttlMs && now >= hit.at ? hit.value : undefined;
  }

  set(workspaceId: string, profileId: string, value: T, startedAt: number, now: number): void {
    if (this.changedSince(workspaceId, profileId, startedAt)) return;
    if (this.size >= this.maxEntries) this.clear();
    let entries = this.workspaces.get(workspaceId);
    if (!entries) this.workspaces.set(workspaceId, (entries = new Map()));
    if (!entries.has(profileId)) this.size++;
    entries.set(profileId, { at: now, value });
  }

  /** Whether the profile or its workspace was invalidated after `startedAt` (from `begin`). */
  changedSince(workspaceId: string, profileId: string, startedAt: number): boolean {
    return this.log.changedSince(startedAt, `${workspaceId}|${profileId}`, workspaceId);
  }

  invalidate(workspaceId: string, profileId: string): void {
    // With no computation begun since the floor, every one under way is refused anyway: nothing to record (ingestion calls this per profile).
    if (this.log.watching) this.log.mark(`${workspaceId}|${profileId}`);
    const entries = this.workspaces.get(workspaceId);
    if (entries?.delete(profileId)) this.size--;
  }

  /** Every answer of a workspace (a model was activated there). */
  invalidateWorkspace(workspaceId: string): void {
    this.log.mark(workspaceId);
    this.size -= this.workspaces.get(workspaceId)?.size ?? 0;
    this.workspaces.delete(workspaceId);
  }

  /** Frees memory (not a staleness signal: invalidations stay recorded). */
  clear(): void {
    this.workspaces.clear();
    this.size = 0;
  }
}
