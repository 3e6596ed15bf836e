import type { ServerResponse } from "node:http";
import type { HttpRoute } from "../common/kernel";
import type { Clock } from "../common/clock";
import { DomainError } from "../common/errors";
import { isUuid } from "../common/validation";
import { Can } from "../workspaces/role";
import type { RenderService } from "./render.service";
import type { TemplateService } from "./template.service";
import type { TrackingRecorder } from "./tracking-events";
import { verifyClick, verifyRecipient, withUtm } from "./tracking-token";

const PIXEL = Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64");
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(res: ServerResponse, status: number, title: string, body: string): void {
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body style="font-family:sans-serif;margin:3em"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(body)}</p></body></html>`;
  res.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "content-length": Buffer.byteLength(html) });
  res.end(html);
}

// tokens are base64url: anything percent-encoded is not one of ours, so the path is taken as it is
const tokenOf = (url: string | undefined, prefix: string) => (url ?? "").split("?")[0].slice(prefix.length);

/** `/t/c/<token>` (302 to the signed destination with UTM) and `/t/o/<token>` (pixel); both record events. */
export function trackingRoutes(key: Buffer, clock: Clock, recorder: TrackingRecorder): HttpRoute[] {
  return [
    {
      method: "GET",
      prefix: "/t/c/",
      async handle(req, res) {
        const token = tokenOf(req.url, "/t/c/");
        const now = clock.now();
        const result = verifyClick(key, token, Math.floor(now.getTime() / 1000));
        // never redirect anywhere a valid signature did not vouch for: a safe landing page instead
        if (!result.ok) return page(res, result.reason === "expired" ? 410 : 404, "This link is no longer valid", "The link you followed has expired or is not valid. Nothing was opened.");
        await recorder.record("email_click", token, result.claims, now);
        res.writeHead(302, { location: withUtm(result.claims.u!, result.claims), "cache-control": "no-store", "referrer-policy": "no-referrer" });
        res.end();
      },
    },
    {
      method: "GET",
      prefix: "/t/o/",
      async handle(req, res) {
        const token = tokenOf(req.url, "/t/o/");
        const now = clock.now();
        const result = verifyRecipient(key, token, Math.floor(now.getTime() / 1000));
        if (result.ok) await recorder.record("email_open", token, result.claims, now);
        res.writeHead(200, { "content-type": "image/gif", "cache-control": "no-store, private", "content-length": PIXEL.length });
        res.end(PIXEL);
      },
    },
  ];
}

/** `GET /preview/<templateId>?profile=<id>[&locale=]`: the rendered email for editors (API key required). */
export function previewRoute(templates: TemplateService, renderer: RenderService): HttpRoute {
  return {
    method: "GET",
    prefix: "/preview/",
    async handle(req, res, helpers) {
      const auth = await helpers.authenticate(req);
      if (!auth) return page(res, 401, "Authentication required", "Send your API key as Authorization: Bearer <key> or ?key=.");
      if (!(Can.render as readonly string[]).includes(auth.role)) return page(res, 403, "Forbidden", "This API key's role may not preview templates.");
      const url = new URL(req.url ?? "/", "http://preview");
      const templateId = url.pathname.slice("/preview/".length);
      const profileId = url.searchParams.get("profile") ?? "";
      if (!isUuid(templateId) || !isUuid(profileId)) return page(res, 400, "Bad request", "Use /preview/<templateId>?profile=<profileId> with UUIDs.");
      try {
        const compiled = await templates.compiled(auth.workspaceId, templateId);
        const { rendered, problems } = await renderer.renderMany(auth.workspaceId, compiled, [profileId], { tracking: false, locale: url.searchParams.get("locale") });
        if (!rendered[0]) return page(res, problems[0]?.message === "profile not found" ? 404 : 422, "Cannot preview", problems[0]?.message ?? "render failed");
        const html = rendered[0].html;
        res.writeHead(200, {
          "content-type": "text/html; charset=utf-8",
          "cache-control": "no-store",
          // previews show stored content: no scripts, no framing by other sites
          "content-security-policy": "default-src 'none'; img-src * data:; style-src 'unsafe-inline'; font-src *; frame-ancestors 'self'",
          "x-kindred-subject": encodeURIComponent(rendered[0].subject),
          "content-length": Buffer.byteLength(html),
        });
        res.end(html);
      } catch (error) {
        if (error instanceof DomainError) return page(res, error.code === "NOT_FOUND" ? 404 : 400, "Cannot preview", error.message);
        throw error;
      }
    },
  };
}
