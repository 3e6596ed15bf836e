import type { CatalogEntry } from "./catalog-snapshot";
import { reasonFor } from "./reasons";

const entry = (id: string, title: string, category: string | null): CatalogEntry => ({ id, title, category, categoryPath: category ? [category] : [], brand: null, price: 1, available: true });
const catalog = new Map([
  ["boot", entry("boot", "Hiking boot", "Shoes")],
  ["cap", entry("cap", "Wool cap", "Hats")],
  ["sneaker", entry("sneaker", "Sneaker", "Shoes")],
  ["beanie", entry("beanie", "Beanie", "Hats")],
]);

describe("recommendation reasons", () => {
  const history = [
    { itemId: "boot", type: "purchase", at: 1 },
    { itemId: "cap", type: "product_view", at: 5 },
  ];

  it("should name the latest history item of the same category when the source is collaborative", () => {
    expect(reasonFor("ALS", catalog.get("sneaker"), history, catalog)).toBe("because you bought Hiking boot");
    expect(reasonFor("EASE", catalog.get("beanie"), history, catalog)).toBe("because you viewed Wool cap");
  });

  it("should say similar to, popular in and bought before for content, popular and history sources", () => {
    expect(reasonFor("CONTENT", catalog.get("sneaker"), history, catalog)).toBe("similar to Hiking boot");
    expect(reasonFor("POPULAR", catalog.get("beanie"), history, catalog)).toBe("popular in Hats");
    expect(reasonFor("HISTORY", catalog.get("boot"), history, catalog)).toBe("you bought this before");
  });

  it("should fall back to a generic reason when there is no history", () => {
    expect(reasonFor("ALS", catalog.get("boot"), [], catalog)).toBe("recommended for you");
  });
});
