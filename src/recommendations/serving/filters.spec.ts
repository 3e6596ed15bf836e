import { ProblemCollector } from "../../common/errors";
import { MASKED } from "../graphs/scoring-graphs";
import type { CatalogEntry } from "./catalog-snapshot";
import { catalogMask, checkFilter, passesCatalog, personalExclusions, staticFilterKey } from "./filters";

const item = (id: string, patch: Partial<CatalogEntry> = {}): CatalogEntry => ({ id, title: id, category: "Shoes", categoryPath: ["Clothing", "Shoes"], brand: "Acme", price: 20, available: true, ...patch });
const DAY = 86_400_000;

describe("recommendation filters", () => {
  it("should match categories at any level of the path and exclude categoriesOut when both are set", () => {
    expect(passesCatalog(item("a"), { categoriesIn: ["Clothing"] })).toBe(true);
    expect(passesCatalog(item("a"), { category: "Hats" })).toBe(false);
    expect(passesCatalog(item("a"), { categoriesIn: ["Clothing"], categoriesOut: ["Shoes"] })).toBe(false);
  });

  it("should apply price bounds inclusively and drop items without a price when a bound is set", () => {
    expect(passesCatalog(item("a"), { priceMin: 20, priceMax: 20 })).toBe(true);
    expect(passesCatalog(item("a"), { priceMax: 19.99 })).toBe(false);
    expect(passesCatalog(item("a", { price: null }), { priceMin: 1 })).toBe(false);
  });

  it("should hide unavailable and unknown items by default and show unavailable ones when inStockOnly is false", () => {
    expect(passesCatalog(item("a", { available: false }), {})).toBe(false);
    expect(passesCatalog(item("a", { available: false }), { inStockOnly: false })).toBe(true);
    expect(passesCatalog(undefined, { inStockOnly: false })).toBe(false);
  });

  it("should build a mask with MASKED at filtered items and key filters by their catalog part only", () => {
    const catalog = new Map([["a", item("a")], ["b", item("b", { brand: "Other" })]]);
    expect(Array.from(catalogMask(["a", "b", "zz"], catalog, { brand: "Acme" }))).toEqual([0, MASKED, MASKED]);
    expect(staticFilterKey({ category: "X", excludePurchased: true })).toBe(staticFilterKey({ categoriesIn: ["X"] }));
  });

  it("should exclude purchased, recently viewed, recently sent and interacted items when asked", () => {
    const now = 100 * DAY;
    const history = [
      { itemId: "bought", type: "purchase", at: now - 50 * DAY },
      { itemId: "seen-old", type: "product_view", at: now - 40 * DAY },
      { itemId: "seen-new", type: "product_view", at: now - 2 * DAY },
      { itemId: "sent", type: "email_sent", at: now - 1 * DAY },
    ];
    expect([...personalExclusions(history, { excludePurchased: true }, now, false)]).toEqual(["bought"]);
    expect([...personalExclusions(history, { excludeViewedWithinDays: 7 }, now, false)]).toEqual(["seen-new"]);
    expect([...personalExclusions(history, { excludeSentWithinDays: 3 }, now, false)]).toEqual(["sent"]);
    expect([...personalExclusions(history, {}, now, true)].sort()).toEqual(["bought", "seen-new", "seen-old"]);
    expect([...personalExclusions(history, { excludeItemIds: ["x"] }, now, false)]).toEqual(["x"]);
  });

  it("should report every invalid field with its path when a filter is wrong", () => {
    const problems = new ProblemCollector();
    checkFilter({ priceMin: 10, priceMax: 5, excludeViewedWithinDays: 0, excludeSentWithinDays: 1.5 }, problems, "filter");
    expect(problems.problems.map((p) => p.path).sort()).toEqual(["filter.excludeSentWithinDays", "filter.excludeViewedWithinDays", "filter.priceMax"]);
  });
});
