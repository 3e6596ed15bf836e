import type { CatalogEntry } from "./catalog-snapshot";
import { PURCHASE_TYPES, type HistoryEvent } from "./filters";

/** The history item that best explains a recommendation: the latest one in the same category, else the latest. */
export function anchorFor(item: CatalogEntry | undefined, history: HistoryEvent[], catalog: Map<string, CatalogEntry>): HistoryEvent | undefined {
  let latest: HistoryEvent | undefined;
  let sameCategory: HistoryEvent | undefined;
  for (const e of history) {
    if (e.itemId === item?.id || !catalog.has(e.itemId)) continue;
    if (!latest || e.at > latest.at) latest = e;
    if (item?.category && catalog.get(e.itemId)!.category === item.category && (!sameCategory || e.at > sameCategory.at)) sameCategory = e;
  }
  return sameCategory ?? latest;
}

const verb = (type: string) => (PURCHASE_TYPES.has(type) ? "bought" : /cart/.test(type) ? "added to your cart" : "viewed");

/** A short human reason for a recommended item. */
export function reasonFor(source: string, item: CatalogEntry | undefined, history: HistoryEvent[], catalog: Map<string, CatalogEntry>): string {
  if (source === "HISTORY") return history.some((e) => e.itemId === item?.id && PURCHASE_TYPES.has(e.type)) ? "you bought this before" : "you looked at this before";
  if (source === "POPULAR") return item?.category ? `popular in ${item.category}` : "popular right now";
  const anchor = anchorFor(item, history, catalog);
  if (!anchor) return source === "CONTENT" ? "matches what you like" : "recommended for you";
  const title = catalog.get(anchor.itemId)!.title;
  if (source === "CONTENT") return `similar to ${title}`;
  return `because you ${verb(anchor.type)} ${title}`;
}
