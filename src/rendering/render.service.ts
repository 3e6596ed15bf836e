import type { Liquid, Template } from "liquidjs";
import type { Clock } from "../common/clock";
import type { Logger } from "../common/logger";
import { UserInputError } from "../common/errors";
import type { PreEncodedString } from "../common/pre-encoded-json";
import { decodeEntities } from "./html-to-text";
import type { CompiledTemplate } from "./compiled-template";
import type { CompiledPart, Engines } from "./template-compiler";
import type { RenderState } from "./liquid-engine";
import type { RenderContextLoader } from "./render-context";
import type { LoadRequest, ProfileData, RecommendationUse } from "./adapters/source-adapter";
import { armVersions, needsMoreData, type ArmVersions, type VariantCompiler } from "./experiment-variants";
import { PORTS, type ServiceLookup } from "./adapters/ports";
import { buildScope, pickLocale, type RequestRenderContext } from "./render-scope";
import { signLink, signRecipient, TRACKING_TTL_SECONDS, type TrackingClaims } from "./tracking-token";

/** What produced one render (convention: every decision records its inputs). */
export interface Personalization {
  templateId: string;
  templateVersion: number;
  /** The id of that version (exposures record it). */
  templateVersionId: string;
  locale: string | null;
  fallback: boolean;
  experimentId: string | null;
  variant: string | null;
  segments: string[];
  recommendations: RecommendationUse[];
  sources: string[];
}

/** One recipient's email (HTML and text are pre-encoded when rendered with `encoding: "json"`). */
export interface RenderedEmail<B extends string | PreEncodedString = string> {
  profileId: string;
  subject: string;
  preheader: string;
  html: B;
  text: B;
  personalization: Personalization;
}

type Body = string | PreEncodedString;

/** The emails of a batch, and the recipients that could not be rendered. */
export interface RenderResult<B extends Body> {
  rendered: RenderedEmail<B>[];
  problems: RenderProblem[];
}

/** A recipient that could not be rendered (the rest of the batch still is). */
export interface RenderProblem {
  profileId: string;
  message: string;
}

export interface RenderOptions {
  campaignId?: string | null;
  locale?: string | null;
  context?: RequestRenderContext | null;
  /** Signed tracking links and the open pixel (off for previews). */
  tracking?: boolean;
  /** HTML and text already JSON-encoded while rendering, for API responses (plain strings otherwise). */
  encoding?: "plain" | "json";
}

export const MAX_OUTPUT_BYTES = 2 * 1024 * 1024;
const PIXEL_STYLE = "display:block;height:1px;width:1px;border:0";

/** Renders compiled templates for batches of profiles: a few set-based loads, then one Liquid pass each. */
export class RenderService {
  private readonly trackingKey: Buffer;

  constructor(
    private readonly engines: Engines,
    private readonly loader: RenderContextLoader,
    private readonly lookup: ServiceLookup,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly publicUrl: string,
    trackingKey: Buffer,
    /** Compiles experiment arms that override blocks or the template version (absent: such arms fail). */
    private readonly variants: VariantCompiler | null = null,
  ) {
    this.trackingKey = trackingKey;
  }

  async renderMany(workspaceId: string, compiled: CompiledTemplate, askedIds: string[], options: RenderOptions & { encoding: "json" }): Promise<RenderResult<PreEncodedString | string>>;
  async renderMany(workspaceId: string, compiled: CompiledTemplate, askedIds: string[], options?: RenderOptions & { encoding?: "plain" }): Promise<RenderResult<string>>;
  async renderMany(workspaceId: string, compiled: CompiledTemplate, askedIds: string[], options: RenderOptions = {}): Promise<RenderResult<PreEncodedString | string>> {
    const campaignId = options.campaignId ?? null;
    const context = options.context ?? {};
    const t0 = performance.now();
    // two round trips per batch: profiles with consent, then experiment arms with the referenced sources
    const [profiles, consentAsked] = await Promise.all([this.loader.profiles(workspaceId, askedIds), this.loader.consent(workspaceId, askedIds)]);
    const T1 = performance.now();
    const problems: RenderProblem[] = askedIds.filter((id) => !profiles.has(id)).map((profileId) => ({ profileId, message: "profile not found" }));
    const consent = new Map<string, boolean>();
    for (const [askedId, profile] of profiles) consent.set(profile.id, consentAsked.get(askedId) === true && consent.get(profile.id) !== false);
    const ids = [...consent.keys()];
    const byId = new Map([...profiles.values()].map((p) => [p.id, p]));
    const request = { workspaceId, profileIds: ids, recommendations: compiled.recommendations, templateId: compiled.templateId, campaignId, profiles: byId };
    const consenting = ids.filter((id) => consent.get(id));
    const data = new Map<string, ProfileData>();
    const T2 = performance.now();
    // holdouts' sources load with the rest (the arms arrive in the same round trip) and are never rendered
    await Promise.all([this.loader.assignments(request, data), this.loader.load({ ...request, profileIds: consenting }, compiled.sources, data)]);
    const personal = consenting.filter((id) => !data.get(id)?.assignment?.holdout);
    const arms = await armVersions(compiled, personal, data, this.variants);
    await this.loadArmData(request, compiled, arms, data);
    const T3 = performance.now();
    const personalSet = new Set(personal);
    const now = this.clock.now();
    const rendered: RenderedEmail<Body>[] = [];
    const subjects = new Map<string, Template[]>();
    for (const askedId of askedIds) {
      const profile = profiles.get(askedId);
      if (!profile) continue;
      const failed = arms.failed.get(profile.id);
      if (failed) {
        problems.push({ profileId: askedId, message: failed });
        continue;
      }
      try {
        const isPersonal = personalSet.has(profile.id);
        rendered.push(this.renderOne(arms.byProfile.get(profile.id) ?? compiled, askedId, isPersonal ? profile : null, profile.id, data.get(profile.id) ?? {}, consent.get(profile.id) === true, context, now, options, subjects));
      } catch (error) {
        problems.push({ profileId: askedId, message: renderFailure(error) });
      }
    }
    const T4 = performance.now();
    await this.recordExposures(workspaceId, compiled, campaignId, rendered);
    this.logger.debug({ ms: { profilesAndConsent: T1 - t0, armsAndSources: T3 - T2, render: T4 - T3, ...this.loader.timings }, recipients: askedIds.length }, "render batch phases");
    return { rendered, problems };
  }

  private renderOne(
    compiled: CompiledTemplate,
    askedId: string,
    profile: { id: string; traits: Record<string, unknown>; computed: Record<string, unknown> } | null,
    profileId: string,
    data: ProfileData,
    consent: boolean,
    context: RequestRenderContext,
    now: Date,
    options: RenderOptions,
    subjects: Map<string, Template[]>,
  ): RenderedEmail<Body> {
    const wanted = [options.locale, context.locale, profile ? (profile.traits.locale as string) : null];
    const picked = pickLocale(compiled.locales, wanted);
    const usesFallback = profile === null;
    const part: CompiledPart = usesFallback ? compiled.fallback ?? compiled.main : picked.part ?? compiled.main;
    const locale = picked.locale ?? (typeof wanted[0] === "string" ? wanted[0] : null) ?? "en-US";
    const claims: TrackingClaims = { w: "", p: profileId, t: compiled.templateId, n: compiled.version, c: options.campaignId ?? null, v: data.assignment?.variantKey ?? null, x: expiryFor(now) };
    const scope = buildScope({
      profile,
      data: usesFallback ? { assignment: data.assignment } : data,
      consent,
      context,
      now,
      locale,
      templateId: compiled.templateId,
      version: compiled.version,
      campaignId: options.campaignId ?? null,
      track: options.tracking === false ? {} : this.tracker(claims, compiled.workspaceId),
    });
    const json = options.encoding === "json";
    const html: Body = json && part.fast.htmlJson ? part.fast.htmlJson(scope) : part.fast.html ? part.fast.html(scope) : (this.engines.html.renderSync(part.html, scope) as string);
    if (html.length > MAX_OUTPUT_BYTES) throw new OutputLimitError();
    const override = !usesFallback ? data.assignment?.overrides.subject : undefined;
    let subject: string;
    if (override) {
      if (!subjects.has(override)) subjects.set(override, this.engines.text.parse(override));
      subject = this.engines.text.renderSync(subjects.get(override)!, scope) as string;
    } else subject = part.fast.subject ? part.fast.subject(scope) : (this.engines.text.renderSync(part.subject, scope) as string);
    return {
      profileId: askedId,
      subject: oneLine(subject),
      preheader: oneLine(part.fast.preheader ? part.fast.preheader(scope) : (this.engines.text.renderSync(part.preheader, scope) as string)),
      html,
      text: json && part.fast.textJson ? part.fast.textJson(scope) : part.fast.text ? part.fast.text(scope) : (this.engines.text.renderSync(part.text, scope) as string),
      personalization: {
        templateId: compiled.templateId,
        templateVersion: compiled.version,
        templateVersionId: compiled.versionId,
        locale: picked.locale,
        fallback: usesFallback,
        experimentId: data.assignment?.experimentId ?? null,
        variant: data.assignment?.variantKey ?? null,
        segments: usesFallback ? [] : data.segments ?? [],
        recommendations: usesFallback ? [] : data.recommendationUses ?? [],
        sources: usesFallback ? [] : [...compiled.sources].sort(),
      },
    };
  }

  /** Signing closures for one recipient: one recipient token, and link tokens cached across recipients. */
  private tracker(claims: TrackingClaims, workspaceId: string): Pick<RenderState, "trackLink" | "openPixel" | "links"> {
    let recipient: string | null = null;
    let clickPrefix: string | null = null;
    const token = () => (recipient ??= signRecipient(this.trackingKey, { ...claims, w: workspaceId }));
    const prefix = () => (clickPrefix ??= `${this.publicUrl}/t/c/${token()}/`);
    return {
      trackLink: (url) => prefix() + this.linkSuffix(url),
      links: { prefix, suffix: this.linkSuffix },
      openPixel: () => `<img src="${this.publicUrl}/t/o/${token()}" width="1" height="1" alt="" style="${PIXEL_STYLE}" />`,
    };
  }

  /** A link's own token (the same in every email), from the URL as written in the HTML. */
  private readonly linkSuffix = (url: string): string => this.linkToken(url.includes("&") ? decodeEntities(url) : url);

  private readonly links = new Map<string, string>();

  private linkToken(url: string): string {
    let token = this.links.get(url);
    if (!token) {
      if (this.links.size >= 50_000) this.links.clear();
      this.links.set(url, (token = signLink(this.trackingKey, url)));
    }
    return token;
  }

  /** Arms whose version reads more than the base version loaded get their own loads (one set per arm). */
  private async loadArmData(request: LoadRequest, compiled: CompiledTemplate, arms: ArmVersions, data: Map<string, ProfileData>): Promise<void> {
    const groups = new Map<CompiledTemplate, string[]>();
    for (const [id, variant] of arms.byProfile) if (variant !== compiled && needsMoreData(compiled, variant)) groups.set(variant, [...(groups.get(variant) ?? []), id]);
    await Promise.all(
      [...groups].map(([variant, ids]) => {
        // the arm's data replaces what the base version loaded for these recipients (the assignment stays)
        for (const id of ids) data.set(id, { assignment: data.get(id)?.assignment });
        return this.loader.load({ ...request, profileIds: ids, recommendations: variant.recommendations }, variant.sources, data);
      }),
    );
  }

  private async recordExposures(workspaceId: string, compiled: CompiledTemplate, campaignId: string | null, rendered: RenderedEmail<Body>[]): Promise<void> {
    const experiments = this.lookup.get(PORTS.experiments, "recordExposures");
    if (!campaignId || !experiments || !rendered.length) return;
    try {
      await experiments.recordExposures(
        workspaceId,
        rendered.map((r) => ({ campaignId, experimentId: r.personalization.experimentId, variantKey: r.personalization.variant, profileId: r.profileId, templateVersion: r.personalization.templateVersionId })),
      );
    } catch (error) {
      // exposure bookkeeping must not fail a send
      this.logger.warn({ err: error, workspaceId }, "recording exposures failed");
    }
  }

  /** Plain access for tests and the benchmark floor: one Liquid render with a prepared scope. */
  static renderParsed(liquid: Liquid, templates: Template[], scope: object): string {
    return liquid.renderSync(templates, scope) as string;
  }
}

class OutputLimitError extends Error {
  constructor() {
    super(`the rendered HTML exceeds the ${MAX_OUTPUT_BYTES} byte limit`);
  }
}

const oneLine = (s: string) => s.replace(/\s+/g, " ").trim();

// expiry is the end of a UTC day, so renders of the same email on the same day carry identical links
const expiryFor = (now: Date) => (Math.floor(now.getTime() / 86_400_000) + 1) * 86_400 + TRACKING_TTL_SECONDS;

/** A safe message for a recipient's failed render (limits and Liquid render errors; never internals). */
function renderFailure(error: unknown): string {
  if (error instanceof OutputLimitError) return error.message;
  const message = error instanceof Error ? error.message.split("\n")[0] : "";
  if (/template render limit exceeded/i.test(message)) return "the render exceeded its CPU-time limit";
  if (/memory alloc limit exceeded/i.test(message)) return "the render exceeded its memory limit";
  if (error instanceof Error && /RenderError|UndefinedVariableError/.test(error.name)) return `render error: ${message}`;
  return "render failed";
}

export function assertOneAudience(profileIds: string[] | null | undefined, segmentId: string | null | undefined): void {
  if (profileIds?.length && segmentId) throw UserInputError.single("segmentId", "give either profileIds or segmentId, not both");
  if (!profileIds?.length && !segmentId) throw UserInputError.single("profileIds", "give profileIds or a segmentId");
}
