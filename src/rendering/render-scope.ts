import type { Template } from "liquidjs";
import { RENDER_STATE, type RenderState, type TemplateItem } from "./liquid-engine";
import { localParts, recipientTimeZone } from "./liquid-filters";
import type { ProfileLike } from "./adapters/ports";
import type { ProfileData } from "./adapters/source-adapter";

/** What the caller says about the moment of sending (location, device, time zone, locale). */
export interface RequestRenderContext {
  location?: { city?: string | null; country?: string | null; region?: string | null } | null;
  device?: string | null;
  timezone?: string | null;
  locale?: string | null;
  [key: string]: unknown;
}

/** Everything one recipient's render reads, apart from the compiled template. */
export interface RecipientInput {
  profile: ProfileLike | null;
  data: ProfileData;
  consent: boolean;
  context: RequestRenderContext;
  now: Date;
  locale: string;
  templateId: string;
  version: number;
  campaignId: string | null;
  track: Pick<RenderState, "trackLink" | "openPixel" | "links">;
}

const str = (v: unknown): string | null => (typeof v === "string" && v ? v : null);
const EMPTY: TemplateItem[] = [];

// a batch renders one instant in a few time zones: the derived values are made once and shared
// (templates cannot change objects in their scope: `assign` and `capture` write to their own layer)
const locals = new WeakMap<object, { hour: number; minute: number; weekday: string; date: string }>();
const localOf = (l: ReturnType<typeof localParts>) => {
  let v = locals.get(l);
  if (!v) locals.set(l, (v = { hour: l.hour, minute: l.minute, weekday: l.weekday, date: `${l.year}-${String(l.month).padStart(2, "0")}-${String(l.day).padStart(2, "0")}` }));
  return v;
};
let lastIso: [number, string] = [NaN, ""];
const isoOf = (now: Date) => (lastIso[0] === now.getTime() ? lastIso[1] : (lastIso = [now.getTime(), now.toISOString()])[1]);

/**
 * The Liquid scope of one recipient. Traits and computed traits are also flattened to the top
 * level (`engagement_score`), below Kindred's roots so a trait can never shadow `profile` or `segments`.
 * `profile === null` builds the non-personal scope of the fallback.
 */
export function buildScope(input: RecipientInput): Record<string | symbol, unknown> {
  const traits = input.profile?.traits ?? {};
  const computed = input.profile?.computed ?? {};
  const timeZone = recipientTimeZone(input.context.timezone, input.profile ? traits.timezone : null, input.profile ? computed.timezone : null);
  const local = localParts(input.now, timeZone);
  const location = input.context.location ?? (input.profile ? { city: str(traits.city), country: str(traits.country) } : {});
  const context = {
    ...input.context,
    location,
    device: input.context.device ?? null,
    timezone: timeZone,
    locale: input.locale,
    now: isoOf(input.now),
    local: localOf(local),
  };
  const { data } = input;
  const state: RenderState = {
    timeZone,
    locale: input.locale,
    currency: str(traits.currency) ?? "USD",
    now: () => input.now,
    recommendations: data.recommendations ?? new Map(),
    trackLink: input.track.trackLink,
    openPixel: input.track.openPixel,
    links: input.track.links,
  };
  // built by assignment: spreading JSON-shaped objects into a literal costs about ten times as much here
  const scope: Record<string | symbol, unknown> = {};
  let profile: Record<string, unknown> = {};
  if (input.profile) {
    copyInto(scope, computed);
    copyInto(scope, traits);
    profile = copyInto(copyInto({}, computed), traits);
    profile.id = input.profile.id;
  }
  scope.profile = profile;
  scope.traits = input.profile ? traits : {};
  scope.computed = input.profile ? computed : {};
  scope.consent = { personalization: input.profile ? input.consent : false };
  scope.segments = input.profile ? data.segments ?? [] : [];
  scope.predictions = input.profile ? data.predictions ?? {} : {};
  scope.recently_viewed = input.profile ? data.recentlyViewed ?? EMPTY : EMPTY;
  scope.cart = (input.profile ? data.cart : null) ?? { items: EMPTY, total: 0 };
  scope.experiment = data.assignment ? { id: data.assignment.experimentId, variant: data.assignment.variantKey } : { id: null, variant: null };
  scope.context = context;
  scope.campaign = { id: input.campaignId };
  scope.template = { id: input.templateId, version: input.version };
  scope[RENDER_STATE] = state;
  return scope;
}

/** Own properties of `source` copied onto `target` (`__proto__` is data in JSON, never a prototype here). */
function copyInto(target: Record<string, unknown>, source: Record<string, unknown>): Record<string, unknown> {
  for (const key of Object.keys(source)) if (key !== "__proto__") target[key] = source[key];
  return target;
}

/** Picks the locale part: exact match, then the language alone, else the default. */
export function pickLocale<T>(locales: Map<string, T>, wanted: (string | null | undefined)[]): { locale: string | null; part: T | null } {
  for (const w of wanted) {
    if (!w) continue;
    if (locales.has(w)) return { locale: w, part: locales.get(w)! };
    const language = w.split("-")[0];
    for (const [locale, part] of locales) if (locale.split("-")[0] === language) return { locale, part };
  }
  return { locale: null, part: null };
}

export type { Template };
