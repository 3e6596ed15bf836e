/**
 * When each key (a profile, a workspace) was last invalidated, as a counter: a cache asks it
 * whether a computation that began at `begin()` was overtaken by an invalidation of what it
 * read, and then refuses to store that (possibly stale) result. The log keeps at most `maxKeys`
 * entries; trimming it raises a floor below which every computation counts as overtaken.
 */
export class InvalidationLog {
  private epoch = 0;
  private readonly invalidatedAt = new Map<string, number>();
  private floor = 0;
  private begun = false;

  constructor(private readonly maxKeys = 100_000) {}

  /** Marks the start of a computation; pass the result to `changedSince` before storing it. */
  begin(): number {
    this.begun = true;
    return this.epoch;
  }

  /** False while no computation began since the floor was raised: any under way is refused anyway, so nothing needs recording. */
  get watching(): boolean {
    return this.begun;
  }

  mark(key: string): void {
    this.epoch++;
    if (this.invalidatedAt.size >= this.maxKeys) this.raiseFloor();
    this.invalidatedAt.set(key, this.epoch);
  }

  /** Whether any of the keys was invalidated after `startedAt`. */
  changedSince(startedAt: number, ...keys: string[]): boolean {
    if (startedAt < this.floor) return true;
    return keys.some((key) => (this.invalidatedAt.get(key) ?? -1) > startedAt);
  }

  /** Everything begun so far counts as overtaken (the cache was cleared). */
  reset(): void {
    this.epoch++;
    this.raiseFloor();
  }

  private raiseFloor(): void {
    this.invalidatedAt.clear();
    this.floor = this.epoch;
    this.begun = false;
  }
}
