import { IdentifierOwnerCache } from "./identifier-owner-cache";

describe("IdentifierOwnerCache", () => {
  it("should answer what was remembered", () => {
    const cache = new IdentifierOwnerCache();
    cache.remember([["ws|user_id|u1", "p1"]], cache.begin());
    expect(cache.get("ws|user_id|u1")).toBe("p1");
    expect(cache.get("ws|user_id|u2")).toBeUndefined();
  });

  it("should drop what a read begun before forgetAll() brings back", () => {
    const cache = new IdentifierOwnerCache();
    const since = cache.begin();
    cache.forgetAll(); // an erasure committed while the read was under way
    cache.remember([["k", "erased-profile"]], since);
    expect(cache.get("k")).toBeUndefined();
    cache.remember([["k", "p2"]], cache.begin());
    expect(cache.get("k")).toBe("p2");
  });

  it("should stay within two generations of its capacity and keep entries in use", () => {
    const cache = new IdentifierOwnerCache(100);
    const since = cache.begin();
    cache.remember([["hot", "p-hot"]], since);
    for (let i = 0; i < 1000; i++) {
      cache.remember([[`k${i}`, `p${i}`]], since);
      expect(cache.get("hot")).toBe("p-hot"); // read on every step: moved back before it ages out
    }
    expect(cache.size).toBeLessThanOrEqual(200);
    expect(cache.get("k999")).toBe("p999");
    expect(cache.get("k0")).toBeUndefined();
  });
});
