import { InvalidationLog } from "../../common/invalidation-log";
import type { HistoryEvent } from "./filters";

/** What serving reads about one profile before scoring: does it exist, its recent item events, its consent. */
export interface ProfileState {
  exists: boolean;
  /** The profile whose events answer (itself, or the survivor it was merged into). */
  survivor: string;
  history: HistoryEvent[];
  personalized: boolean;
}

/**
 * Per-profile serving state in memory, so a repeat request (another placement, another filter)
 * does no SQL. Dropped by the profile's own changes (events, consent, merge — the same signals
 * that drop cached results), by changes of the survivor a merged id answers through, and by age.
 * A load that started before an invalidation of its profile is not stored (it may predate the change).
 */
export class ProfileStateCache {
  private readonly entries = new Map<string, { at: number; state: ProfileState }>();
  /** History events held in all entries (the memory that matters: up to HISTORY_LIMIT per profile). */
  private events = 0;
  /** survivor key → requested ids answering through it (only for merged ids). */
  private readonly aliases = new Map<string, Set<string>>();
  private readonly log = new InvalidationLog();

  constructor(
    private readonly ttlMs = 300_000,
    private readonly maxEvents = 1_000_000,
  ) {}

  /** The current epoch: pass it back to `set` so a load overtaken by an invalidation is dropped. */
  begin(): number {
    return this.log.begin();
  }

  get(workspaceId: string, profileId: string, now = Date.now()): ProfileState | undefined {
    const hit = this.entries.get(`${workspaceId}|${profileId}`);
    return hit && now - hit.at < this.ttlMs ? hit.state : undefined;
  }

  set(workspaceId: string, profileId: string, state: ProfileState, startedAt: number, now = Date.now()): void {
    if (this.changedSince(workspaceId, [profileId, state.survivor], startedAt)) return;
    const key = `${workspaceId}|${profileId}`;
    const survivorKey = `${workspaceId}|${state.survivor}`;
    this.drop(key);
    this.entries.set(key, { at: now, state });
    this.events += weight(state);
    // Over budget: the oldest entries go first (insertion order).
    for (const oldest of this.entries.keys()) {
      if (this.events <= this.maxEvents || oldest === key) break;
      this.drop(oldest);
    }
    if (state.survivor !== profileId) {
      let set = this.aliases.get(survivorKey);
      if (!set) this.aliases.set(survivorKey, (set = new Set()));
      set.add(key);
    }
  }

  /** Whether any of these profiles was invalidated after `startedAt` (from `begin`): what was loaded since may be stale. */
  changedSince(workspaceId: string, profileIds: string[], startedAt: number): boolean {
    return this.log.changedSince(startedAt, ...profileIds.map((id) => `${workspaceId}|${id}`));
  }

  /** Drops a profile and every merged id that answers through it. */
  invalidate(workspaceId: string, profileId: string): void {
    // Nothing held and no load begun since the floor (every one under way is refused anyway): nothing to drop or record.
    if (!this.log.watching && !this.entries.size && !this.aliases.size) return;
    const key = `${workspaceId}|${profileId}`;
    this.log.mark(key);
    this.drop(key);
    const alias = this.aliases.get(key);
    if (alias) {
      for (const k of alias) this.drop(k);
      this.aliases.delete(key);
    }
  }

  /** How many profiles and history events are held (for tests and metrics). */
  get size(): { profiles: number; events: number } {
    return { profiles: this.entries.size, events: this.events };
  }

  private drop(key: string): void {
    const hit = this.entries.get(key);
    if (!hit) return;
    this.events -= weight(hit.state);
    this.entries.delete(key);
  }

  /** Requested ids (not survivors) that answer through this profile, for dropping their cached results too. */
  aliasesOf(workspaceId: string, profileId: string): string[] {
    const set = this.aliases.get(`${workspaceId}|${profileId}`);
    return set ? [...set].map((k) => k.slice(workspaceId.length + 1)) : [];
  }

  clear(): void {
    this.entries.clear();
    this.events = 0;
    this.aliases.clear();
    this.log.reset();
  }
}

// A profile without events still costs an entry.
const weight = (state: ProfileState) => Math.max(1, state.history.length);
