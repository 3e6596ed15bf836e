import { PredictionCache } from "./prediction-cache";

describe("PredictionCache", () => {
  it("should answer a stored value until its profile is invalidated", () => {
    const c = new PredictionCache<number>();
    c.set("w", "p", 1, c.begin(), 0);
    c.set("w", "q", 2, c.begin(), 0);
    expect(c.get("w", "p", 10)).toBe(1);
    expect(c.get("w2", "p", 10)).toBeUndefined();
    c.invalidate("w", "p");
    expect(c.get("w", "p", 10)).toBeUndefined();
    expect(c.get("w", "q", 10)).toBe(2);
  });

  it("should drop every answer of a workspace when a model is activated there", () => {
    const c = new PredictionCache<number>();
    c.set("w", "p", 1, c.begin(), 0);
    c.set("w2", "p", 2, c.begin(), 0);
    c.invalidateWorkspace("w");
    expect(c.get("w", "p", 1)).toBeUndefined();
    expect(c.get("w2", "p", 1)).toBe(2);
  });

  it("should not store a computation that started before an invalidation when the change raced it", () => {
    const c = new PredictionCache<number>();
    const started = c.begin();
    c.invalidate("w", "p");
    c.set("w", "p", 1, started, 0);
    expect(c.get("w", "p", 0)).toBeUndefined();
    const raced = c.begin();
    c.invalidateWorkspace("w");
    c.set("w", "p", 1, raced, 0);
    expect(c.get("w", "p", 0)).toBeUndefined();
    c.set("w", "p", 1, c.begin(), 0);
    expect(c.get("w", "p", 0)).toBe(1);
  });

  it("should expire entries after the TTL and miss when the clock went back", () => {
    const c = new PredictionCache<number>(1000);
    c.set("w", "p", 1, c.begin(), 5000);
    expect(c.get("w", "p", 5999)).toBe(1);
    expect(c.get("w", "p", 6000)).toBeUndefined();
    expect(c.get("w", "p", 4000)).toBeUndefined();
  });

  it("should start over when it is full and still refuse raced computations afterwards", () => {
    const c = new PredictionCache<number>(60_000, 2);
    const started = c.begin();
    c.set("w", "a", 1, started, 0);
    c.set("w", "b", 2, started, 0);
    c.invalidate("w", "b");
    c.set("w", "c", 3, started, 0);
    c.set("w", "d", 4, started, 0);
    expect(c.get("w", "a", 0)).toBeUndefined();
    expect(c.get("w", "c", 0)).toBeUndefined();
    expect(c.get("w", "d", 0)).toBe(4);
    c.set("w", "b", 2, started, 0);
    expect(c.get("w", "b", 0)).toBeUndefined();
  });
});
