import { RateLimiter } from "./rate-limit";

describe("RateLimiter", () => {
  it("should allow a burst, then refuse until tokens refill", () => {
    const limiter = new RateLimiter(2, 3);
    expect([0, 1, 2].map(() => limiter.take("k", 1000))).toEqual([0, 0, 0]);
    expect(limiter.take("k", 1000)).toBe(1);
    expect(limiter.take("k", 1500)).toBe(0);
    expect(limiter.take("other", 1000)).toBe(0);
  });

  it("should never limit when disabled", () => {
    const limiter = new RateLimiter(0, 1);
    for (let i = 0; i < 100; i++) expect(limiter.take("k", 0)).toBe(0);
  });
});
