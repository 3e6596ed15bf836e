import fc from "fast-check";
import mjml2html from "mjml";
import type { Template } from "liquidjs";
import { compileFast, compileFastJson } from "./fast-render";
import { htmlToText } from "./html-to-text";
import { addOpenPixel, rewriteLinks } from "./link-tracking";
import { createLiquid, DEFAULT_LIMITS, recommendationKey } from "./liquid-engine";
import { buildScope } from "./render-scope";
import { NEWSLETTER_MJML, STARTER_BLOCKS } from "./starter-content";

// equality is checked with a generous time limit: a loaded CI machine must not turn into a failed comparison
const relaxed = { ...DEFAULT_LIMITS, renderMs: 60_000 };
const html = createLiquid(true, relaxed);
const text = createLiquid(false, relaxed);

const SNIPPETS = [
  "{% assign n = profile.points | plus: 1 %}{{ n }}{% capture c %}[{{ profile.first_name | upcase }}]{% endcapture %}{{ c }}{{ c | size }}",
  "{% unless profile.tier == 'gold' %}not gold{% else %}gold{% endunless %}{% if profile.tier != 'gold' or profile.points > 100 %}Y{% endif %}",
  "{% for i in (1..3) %}{{ forloop.index }}/{{ forloop.length }}{% if forloop.last %}!{% endif %}{% endfor %}{% for x in profile.nothing %}x{% else %}empty{% endfor %}",
  "{{ purchase_history | join: ', ' }} {{ purchase_history.size }} {{ purchase_history.first }} {{ purchase_history[1] }} {{ profile['first_name'] }}",
  "{% raw %}{{ not rendered }}{% endraw %}{% comment %}hidden{% endcomment %}{{ segments contains 'vip' }}{{ 3 | times: 2 | minus: 1 }}",
  "{{ profile.first_name | default: 'there' | truncate: 5 }} {{ profile.first_name | escape }} {{ '<b>' | raw }} {{ profile | json }}",
  "{{ 'https://s.test/a?b=1&amp;c=2' | track_link }} {{ profile.first_name | track_link }} {{ 'mailto:x@y.z' | track_link }} {{ profile.city | prepend: 'https://s.test/' | track_link | upcase }}",
];

const items = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `sku-${i}`, title: `P <${i}>`, url: `https://s.test/${i}`, image_url: i % 2 ? null : `https://c.test/${i}.png`, price: 1.5 * i, currency: "EUR", category: "Shoes", brand: i % 2 ? "B" : null }));

const profileArb = fc.record({
  first_name: fc.option(fc.oneof(fc.string({ maxLength: 12 }), fc.constant("<script>x</script>")), { nil: undefined }),
  tier: fc.option(fc.constantFrom("gold", "silver", "bronze"), { nil: undefined }),
  points: fc.option(fc.integer({ min: -5, max: 5000 }), { nil: undefined }),
  city: fc.option(fc.constantFrom("London", "Paris & Co"), { nil: undefined }),
  purchase_history: fc.option(fc.subarray(["Electronics", "Books", "Garden"]), { nil: undefined }),
  timezone: fc.constantFrom("UTC", "Asia/Tokyo", "America/New_York", "Nope/Zone"),
});

const b64 = (u: string) => Buffer.from(u).toString("base64url");

function scopeFor(traits: Record<string, unknown>, engagement: number, segs: string[], churn: number, recs: number, hour: number) {
  return buildScope({
    profile: { id: "p1", traits: JSON.parse(JSON.stringify(traits)), computed: { engagement_score: engagement } },
    data: { segments: segs, predictions: { churn_risk: churn }, recommendations: new Map([[recommendationKey({ strategy: "AUTO", n: 4, category: null, brand: null }), items(recs)]]), recentlyViewed: items(recs), cart: { items: items(recs), total: 3 } },
    consent: true,
    context: { device: hour % 2 ? "mobile" : null },
    now: new Date(Date.UTC(2026, 0, 1, hour, 30)),
    locale: "en-US",
    templateId: "t",
    version: 1,
    campaignId: null,
    track: hour % 3 ? { trackLink: (u: string) => `https://k.test/t/c/${b64(u)}`, openPixel: () => "<img src=x>", ...(hour % 3 === 1 ? { links: { prefix: () => "https://k.test/t/c/", suffix: b64 } } : {}) } : {},
  });
}

describe("compileFast", () => {
  let parts: { name: string; liquid: typeof html; templates: Template[] }[];

  beforeAll(async () => {
    const sources = [NEWSLETTER_MJML, ...Object.values(STARTER_BLOCKS).map((b) => `<mjml><mj-body>${b}</mj-body></mjml>`)];
    parts = [];
    for (const [i, source] of sources.entries()) {
      const compiled = (await mjml2html(source, { validationLevel: "strict", minify: false } as never)).html;
      parts.push({ name: `html ${i}`, liquid: html, templates: html.parse(addOpenPixel(rewriteLinks(compiled))) });
      parts.push({ name: `text ${i}`, liquid: text, templates: text.parse(htmlToText(rewriteLinks(compiled))) });
    }
    SNIPPETS.forEach((s, i) => parts.push({ name: `snippet ${i}`, liquid: html, templates: html.parse(s) }));
  });

  it("should compile every starter template and snippet when they stay in the subset", () => {
    for (const part of parts) expect([part.name, compileFast(part.liquid, part.templates) === null]).toEqual([part.name, false]);
  });

  it("should render exactly what LiquidJS renders when given any profile", () => {
    const compiled = parts.map((p) => ({ ...p, fast: compileFast(p.liquid, p.templates)!, json: compileFastJson(p.liquid, p.templates)! }));
    fc.assert(
      fc.property(profileArb, fc.integer({ min: 0, max: 100 }), fc.subarray(["cart-abandoners", "vip"]), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 23 }), (traits, engagement, segs, churn, recs, hour) => {
        for (const part of compiled) {
          const scope = scopeFor(traits, engagement, segs, churn, recs, hour);
          const expected = part.liquid.renderSync(part.templates, scopeFor(traits, engagement, segs, churn, recs, hour));
          expect(part.fast(scope)).toBe(expected);
          // the JSON-encoded render is ASCII, decodes to the same string and counts its characters
          const encoded = part.json(scopeFor(traits, engagement, segs, churn, recs, hour));
          expect([/^[\x20-\x7e]*$/.test(encoded.json), JSON.parse(`"${encoded.json}"`), encoded.length]).toEqual([true, expected, expected.length]);
        }
      }),
      { numRuns: 60 },
    );
  });

  it("should fall back (return null) when a template uses a tag outside the subset", () => {
    expect(compileFast(html, html.parse("{% for i in (1..5) limit: 2 %}{{ i }}{% endfor %}"))).toBeNull();
    expect(compileFast(html, html.parse("{% case x %}{% when 1 %}a{% endcase %}"))).toBeNull();
    expect(compileFast(html, html.parse("{% for i in (1..3) %}{% break %}{% endfor %}"))).toBeNull();
  });

  it("should stop at the render time limit when a template loops forever", () => {
    const strict = createLiquid(true);
    const fast = compileFast(strict, strict.parse("{% for a in (1..100000) %}{% for b in (1..100000) %}{{ a }}{% endfor %}{% endfor %}"))!;
    expect(() => fast({})).toThrow(/limit exceeded/);
  });
});
