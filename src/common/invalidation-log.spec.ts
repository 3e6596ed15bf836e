import { InvalidationLog } from "./invalidation-log";

describe("InvalidationLog", () => {
  it("should report a computation as overtaken when one of its keys is invalidated after it began", () => {
    const log = new InvalidationLog();
    const started = log.begin();
    log.mark("ws|a");
    expect(log.changedSince(started, "ws|a")).toBe(true);
    expect(log.changedSince(started, "ws|b")).toBe(false);
    expect(log.changedSince(log.begin(), "ws|a")).toBe(false);
  });

  it("should count everything begun before a trim as overtaken when the log is full", () => {
    const log = new InvalidationLog(2);
    const started = log.begin();
    log.mark("a");
    log.mark("b");
    log.mark("c"); // trims: "a" and "b" are forgotten, so the floor must refuse `started`
    expect(log.changedSince(started, "a")).toBe(true);
    expect(log.watching).toBe(false);
    expect(log.changedSince(log.begin(), "a")).toBe(false);
  });

  it("should refuse computations begun before a reset when the cache is cleared", () => {
    const log = new InvalidationLog();
    const started = log.begin();
    log.reset();
    expect(log.changedSince(started)).toBe(true);
  });
});
