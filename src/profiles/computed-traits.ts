/** The value type of a computed trait (segments validate rule operands against it). */
export type ComputedTraitType = "number" | "string" | "date" | "list" | "object";

/** A computed trait Kindred maintains in `profiles.computed`: its name, type and meaning. */
export interface ComputedTraitSpec {
  name: string;
  type: ComputedTraitType;
  description: string;
  /** When the value is refreshed: on every ingested batch, or by the scheduled refresh job. */
  updates: "on_event" | "scheduled" | "on_event_and_scheduled";
}

const t = (name: string, type: ComputedTraitType, updates: ComputedTraitSpec["updates"], description: string): ComputedTraitSpec => ({ name, type, updates, description });

/** Half-life of the engagement score, in days. */
export const ENGAGEMENT_HALF_LIFE_DAYS = 14;
/** Half-life of category affinities, in days. */
export const AFFINITY_HALF_LIFE_DAYS = 30;
/** How many categories `categoryAffinity` / `topCategories` keep. */
export const TOP_CATEGORIES = 5;
/** How many items `recentlyViewed` keeps. */
export const RECENTLY_VIEWED = 20;

/** Every computed trait, in the order README documents them. */
export const COMPUTED_TRAITS: readonly ComputedTraitSpec[] = [
  t("firstSeenAt", "date", "on_event", "time of the profile's earliest event"),
  t("lastSeenAt", "date", "on_event", "time of the profile's latest event"),
  t("lastPurchaseAt", "date", "on_event", "time of the latest purchase"),
  t("recencyDays", "number", "on_event_and_scheduled", "whole days since the latest purchase (null without purchases)"),
  t("purchaseCount", "number", "on_event", "purchases, lifetime (frequency)"),
  t("purchaseCount90d", "number", "on_event_and_scheduled", "purchases in the last 90 days"),
  t("revenue", "number", "on_event", "purchase revenue minus refunds, lifetime (monetary)"),
  t("revenue90d", "number", "on_event_and_scheduled", "purchase revenue minus refunds in the last 90 days"),
  t("averageOrderValue", "number", "on_event", "lifetime purchase revenue / purchaseCount"),
  t("rfmRecency", "number", "scheduled", "1–5 quintile of recencyDays in the workspace (5 = most recent)"),
  t("rfmFrequency", "number", "scheduled", "1–5 quintile of purchaseCount (5 = most frequent)"),
  t("rfmMonetary", "number", "scheduled", "1–5 quintile of revenue (5 = highest)"),
  t("rfmSegment", "string", "scheduled", "the three scores as text, e.g. \"R5F4M3\""),
  t("engagementScore", "number", "on_event_and_scheduled", "0–100, time-decayed weighted email and site activity"),
  t("categoryAffinity", "object", "on_event", "category → share (0–1) of time-decayed interest, top 5"),
  t("topCategories", "list", "on_event", "categories of categoryAffinity, strongest first"),
  t("lastPurchaseCategory", "string", "on_event", "category of the first line of the latest purchase"),
  t("openCart", "list", "on_event", "item ids added to the cart and not yet bought or removed"),
  t("cartAbandonedSince", "date", "on_event", "time of the last cart addition while the cart is open (null when empty)"),
  t("recentlyViewed", "list", "on_event", "item ids of the latest product views, newest first, up to 20"),
  t("preferredSendHour", "number", "on_event", "hour 0–23 (profile's timezone) with most email opens and clicks"),
  t("emailsDelivered", "number", "on_event", "emails delivered, lifetime"),
  t("emailOpenRate", "number", "on_event", "email_open events / email_delivered events (0–1, capped)"),
  t("emailClickRate", "number", "on_event", "email_click events / email_delivered events (0–1, capped)"),
  t("eventCounts1d", "object", "on_event_and_scheduled", "event type → count in the last 24 hours"),
  t("eventCounts7d", "object", "on_event_and_scheduled", "event type → count in the last 7 days"),
  t("eventCounts30d", "object", "on_event_and_scheduled", "event type → count in the last 30 days"),
];

/** Name → spec, for rule validation. */
export const COMPUTED_TRAIT_TYPES: ReadonlyMap<string, ComputedTraitSpec> = new Map(COMPUTED_TRAITS.map((s) => [s.name, s]));
