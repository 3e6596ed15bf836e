import { ProfileStateCache, type ProfileState } from "./profile-state-cache";

const state = (survivor: string): ProfileState => ({ exists: true, survivor, history: [{ itemId: "i1", type: "product_view", at: 1 }], personalized: true });

describe("ProfileStateCache", () => {
  it("should answer a stored state until the profile is invalidated", () => {
    const c = new ProfileStateCache();
    c.set("w", "p", state("p"), c.begin());
    expect(c.get("w", "p")?.history).toHaveLength(1);
    expect(c.get("w2", "p")).toBeUndefined();
    c.invalidate("w", "p");
    expect(c.get("w", "p")).toBeUndefined();
  });

  it("should not store a load that started before an invalidation of its profile when the change raced it", () => {
    const c = new ProfileStateCache();
    const started = c.begin();
    c.invalidate("w", "p");
    c.set("w", "p", state("p"), started);
    expect(c.get("w", "p")).toBeUndefined();
    expect(c.changedSince("w", ["p"], started)).toBe(true);
    const after = c.begin();
    c.set("w", "p", state("p"), after);
    expect(c.get("w", "p")).toBeDefined();
    expect(c.changedSince("w", ["p"], after)).toBe(false);
  });

  it("should drop a merged id when its survivor changes", () => {
    const c = new ProfileStateCache();
    c.set("w", "old", state("live"), c.begin());
    expect(c.aliasesOf("w", "live")).toEqual(["old"]);
    c.invalidate("w", "live");
    expect(c.get("w", "old")).toBeUndefined();
  });

  it("should expire entries after the TTL when nothing invalidates them", () => {
    const c = new ProfileStateCache(1000);
    c.set("w", "p", state("p"), c.begin(), 0);
    expect(c.get("w", "p", 999)).toBeDefined();
    expect(c.get("w", "p", 1000)).toBeUndefined();
  });

  it("should refuse loads that started before a clear when memory was reclaimed", () => {
    const c = new ProfileStateCache();
    const started = c.begin();
    c.clear();
    c.set("w", "p", state("p"), started);
    expect(c.get("w", "p")).toBeUndefined();
  });

  it("should evict the oldest profiles first when the history budget is exceeded", () => {
    const c = new ProfileStateCache(300_000, 2);
    c.set("w", "a", state("a"), c.begin());
    c.set("w", "b", state("b"), c.begin());
    expect(c.size).toEqual({ profiles: 2, events: 2 });
    c.set("w", "c", state("c"), c.begin());
    expect(c.get("w", "a")).toBeUndefined();
    expect(c.get("w", "b")).toBeDefined();
    expect(c.get("w", "c")).toBeDefined();
    expect(c.size).toEqual({ profiles: 2, events: 2 });
    c.invalidate("w", "b");
    expect(c.size).toEqual({ profiles: 1, events: 1 });
  });
});
