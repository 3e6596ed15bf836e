import { ProblemCollector } from "../../common/errors";
import { MASKED } from "../graphs/scoring-graphs";
import type { CatalogEntry } from "./catalog-snapshot";
import type { RecFilter } from "./types";

/** Event types that count as a purchase, a view and a send for the personal filters. */
export const PURCHASE_TYPES = new Set(["purchase", "order_completed", "purchased"]);
export const VIEW_TYPES = new Set(["view", "product_view", "product_viewed", "page_view", "viewed", "click", "email_click", "email_clicked"]);
export const SENT_TYPES = new Set(["email_sent", "message_sent", "recommendations_sent", "email_delivered"]);

/** One past interaction of the person. */
export interface HistoryEvent {
  itemId: string;
  type: string;
  at: number;
}

/** Checks a filter, adding every problem with its path. */
export function checkFilter(filter: RecFilter | null | undefined, problems: ProblemCollector, path: string): void {
  if (!filter) return;
  const days = (key: "excludeViewedWithinDays" | "excludeSentWithinDays") => {
    const v = filter[key];
    if (v != null && (!Number.isInteger(v) || v < 1 || v > 3650)) problems.add(`${path}.${key}`, "must be a whole number of days from 1 to 3650");
  };
  days("excludeViewedWithinDays");
  days("excludeSentWithinDays");
  for (const key of ["priceMin", "priceMax"] as const) {
    const v = filter[key];
    if (v != null && (!Number.isFinite(v) || v < 0)) problems.add(`${path}.${key}`, "must be a non-negative number");
  }
  if (filter.priceMin != null && filter.priceMax != null && filter.priceMin > filter.priceMax) problems.add(`${path}.priceMax`, "must be at least priceMin");
  for (const key of ["categoriesIn", "categoriesOut", "brandsIn", "excludeItemIds"] as const) {
    const v = filter[key];
    if (v && v.length > 1000) problems.add(`${path}.${key}`, "must list at most 1000 values");
  }
}

/** A stable key of the catalog-only part of a filter (for mask caching). */
export function staticFilterKey(filter: RecFilter | null | undefined): string {
  const f = filter ?? {};
  return JSON.stringify([categoriesIn(f), f.categoriesOut ?? null, brandsIn(f), f.priceMin ?? null, f.priceMax ?? null, f.inStockOnly ?? true]);
}

const categoriesIn = (f: RecFilter) => (f.categoriesIn?.length ? f.categoriesIn : f.category ? [f.category] : null);
const brandsIn = (f: RecFilter) => (f.brandsIn?.length ? f.brandsIn : f.brand ? [f.brand] : null);

/** Whether a catalog item passes the catalog part of a filter (unknown items never pass). */
export function passesCatalog(entry: CatalogEntry | undefined, filter: RecFilter | null | undefined): boolean {
  if (!entry) return false;
  const f = filter ?? {};
  if ((f.inStockOnly ?? true) && !entry.available) return false;
  const inCats = categoriesIn(f);
  const cats = entry.category ? [entry.category, ...entry.categoryPath] : entry.categoryPath;
  if (inCats && !inCats.some((c) => cats.includes(c))) return false;
  if (f.categoriesOut?.length && f.categoriesOut.some((c) => cats.includes(c))) return false;
  const brands = brandsIn(f);
  if (brands && (!entry.brand || !brands.includes(entry.brand))) return false;
  if (f.priceMin != null && (entry.price == null || entry.price < f.priceMin)) return false;
  if (f.priceMax != null && (entry.price == null || entry.price > f.priceMax)) return false;
  return true;
}

/** The catalog mask of a model's item space: 0 where the item passes, MASKED elsewhere. */
export function catalogMask(itemIds: string[], catalog: Map<string, CatalogEntry>, filter: RecFilter | null | undefined): Float32Array {
  const mask = new Float32Array(itemIds.length);
  for (let i = 0; i < itemIds.length; i++) if (!passesCatalog(catalog.get(itemIds[i]), filter)) mask[i] = MASKED;
  return mask;
}

/** Items the personal filters remove for this person (purchased, viewed lately, sent lately, interacted, listed). */
export function personalExclusions(history: HistoryEvent[], filter: RecFilter | null | undefined, now: number, excludeInteractedDefault: boolean): Set<string> {
  const f = filter ?? {};
  const out = new Set<string>(f.excludeItemIds ?? []);
  const viewedSince = f.excludeViewedWithinDays ? now - f.excludeViewedWithinDays * 86_400_000 : Infinity;
  const sentSince = f.excludeSentWithinDays ? now - f.excludeSentWithinDays * 86_400_000 : Infinity;
  const interacted = f.excludeInteracted ?? excludeInteractedDefault;
  for (const e of history) {
    if (SENT_TYPES.has(e.type)) {
      if (e.at >= sentSince) out.add(e.itemId);
      continue;
    }
    if (interacted) out.add(e.itemId);
    if (f.excludePurchased && PURCHASE_TYPES.has(e.type)) out.add(e.itemId);
    if (VIEW_TYPES.has(e.type) && e.at >= viewedSince) out.add(e.itemId);
  }
  return out;
}
