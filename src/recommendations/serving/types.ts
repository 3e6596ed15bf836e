/** Filters a caller may put on recommendations. */
export interface RecFilter {
  categoriesIn?: string[] | null;
  categoriesOut?: string[] | null;
  /** Shorthand for categoriesIn: [category] (rendering tags use it). */
  category?: string | null;
  brandsIn?: string[] | null;
  brand?: string | null;
  priceMin?: number | null;
  priceMax?: number | null;
  /** Only available items (default true: an email should not sell what cannot be bought). */
  inStockOnly?: boolean | null;
  excludePurchased?: boolean | null;
  excludeViewedWithinDays?: number | null;
  excludeSentWithinDays?: number | null;
  /** Leave out items the person already interacted with (default: true except for AUTO, which keeps repeat purchases). */
  excludeInteracted?: boolean | null;
  excludeItemIds?: string[] | null;
}

/** Optional diversity: at most M per category, or MMR trading score against category overlap. */
export interface Diversity {
  maxPerCategory?: number | null;
  /** MMR λ in (0, 1]: 1 = pure relevance. */
  mmrLambda?: number | null;
}

/** One recommendation request (GraphQL field or a rendering batch entry). */
export interface RecRequest {
  profileId: string;
  n: number;
  strategy?: string | null;
  filter?: RecFilter | null;
  diversity?: Diversity | null;
  /** What the person is looking at now (an item page): treated as a fresh, strong interaction. */
  context?: { itemId?: string | null } | null;
}

/** One recommended item with what produced it. */
export interface RecItem {
  itemId: string;
  score: number;
  reason: string;
  /** The component that ranked it: ALS, EASE, ITEM_KNN, CONTENT, POPULAR or HISTORY (repeat purchase). */
  strategy: string;
  modelVersionId: string | null;
  modelVersion: string | null;
}

/** The answer for one request. */
export interface RecResult {
  profileId: string;
  /** The strategy that answered (after the fallback chain). */
  strategy: string;
  personalized: boolean;
  note: string | null;
  items: RecItem[];
  /** The main model version behind the answer (the first item's). */
  modelVersionId: string | null;
  modelVersion: string | null;
  error?: { code: string; message: string; path: string } | null;
}

export const STRATEGIES = ["AUTO", "ALS", "EASE", "ITEM_KNN", "CONTENT", "POPULAR"] as const;
export type Strategy = (typeof STRATEGIES)[number];
