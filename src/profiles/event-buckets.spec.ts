import { BUY, REV, addToBucket, bucketKey, bucketName, bucketsFromKeyed, pruneBuckets, windowSums, type Buckets } from "./event-buckets";

describe("event buckets", () => {
  it("should count per bucket and type key, custom types by name", () => {
    const b: Buckets = [];
    addToBucket(b, 10, bucketKey("purchase"), 1);
    addToBucket(b, 10, bucketKey("purchase"), 1);
    addToBucket(b, 11, bucketKey("rating"), 1);
    addToBucket(b, 10, REV, 19.5);
    expect(b).toEqual([10, 6, 2, 11, "rating", 1, 10, REV, 19.5]);
    expect([bucketName(6), bucketName("rating"), bucketName(BUY), bucketName(REV)]).toEqual(["purchase", "rating", "$buy", "$rev"]);
  });

  it("should drop buckets at or before the oldest kept index, in place", () => {
    const b: Buckets = [1, 0, 1, 5, 0, 2, 2, 3, 1, 7, "x", 4];
    expect(pruneBuckets(b, 2)).toBe(b);
    expect(b).toEqual([5, 0, 2, 7, "x", 4]);
  });

  it("should sum trailing windows, money only where asked", () => {
    // now = 100: a window of width 7 holds indexes 94..100.
    const b: Buckets = [100, 0, 1, 99, 0, 2, 93, 0, 4, 95, "rating", 3, 120, 0, 50, 98, BUY, 1, 98, REV, 10.25];
    const [week, month] = windowSums(b, 100, [7, 30], [false, true]);
    expect(week).toEqual({ page_view: 3, rating: 3 });
    expect(month).toEqual({ page_view: 7, rating: 3, $buy: 1, $rev: 10.25 });
  });

  it("should read the earlier object form (codes as strings, type names, $buy and $rev)", () => {
    const b = bucketsFromKeyed({ "20": { "0": 2, purchase: 1, $buy: 1, $rev: 5, rating: 1 } });
    expect(b).toEqual([20, 0, 2, 20, 6, 1, 20, BUY, 1, 20, REV, 5, 20, "rating", 1]);
  });
});
