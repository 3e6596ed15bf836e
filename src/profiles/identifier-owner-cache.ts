/**
 * Identifier → owning profile, as this instance last read or wrote it, so steady-state ingestion
 * (every identifier already known) skips the identity read.
 *
 * Staleness it tolerates: a merge moves identifiers to the survivor, but an entry still naming the
 * loser only costs a redirect — writes lock profiles and follow `merged_into_id` — and ingestion
 * then records the survivor here. Staleness it must not have: an erased profile. `forgetAll()` is
 * called on every instance when a profile is erased; a read that began before it does not refill
 * the cache (`begin()` / `remember(…, since)`).
 *
 * Bounded: two generations of at most `capacity` entries each; a full current generation becomes
 * the old one, and a hit in the old one moves back (roughly least-recently-used, without a list).
 */
export class IdentifierOwnerCache {
  private current = new Map<string, string>();
  private old = new Map<string, string>();
  private epoch = 0;

  constructor(private readonly capacity = 100_000) {}

  get(key: string): string | undefined {
    const hit = this.current.get(key);
    if (hit !== undefined) return hit;
    const aged = this.old.get(key);
    if (aged !== undefined) this.put(key, aged);
    return aged;
  }

  /** A token for `remember`: entries read after a `forgetAll()` that followed it are dropped. */
  begin(): number {
    return this.epoch;
  }

  remember(entries: Iterable<[string, string]>, since: number): void {
    if (since !== this.epoch) return;
    for (const [key, profileId] of entries) this.put(key, profileId);
  }

  forgetAll(): void {
    this.epoch++;
    this.current.clear();
    this.old.clear();
  }

  get size(): number {
    return this.current.size + this.old.size;
  }

  private put(key: string, profileId: string): void {
    if (this.current.size >= this.capacity && !this.current.has(key)) {
      this.old = this.current;
      this.current = new Map();
    }
    this.current.set(key, profileId);
  }
}
