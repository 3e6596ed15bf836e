/** Compile-time rewrite of links and the open pixel into Liquid filters (pure; tokens are signed per recipient). */

const LIQUID = /\{\{|\{%/;
const SINGLE_OUTPUT = /^\{\{-?\s*((?:(?!\}\}|\{\{).)+?)\s*-?\}\}$/s;

/** Rewrites every http(s) `href` so the per-recipient render emits a signed click-tracking URL. */
export function rewriteLinks(html: string): string {
  return html.replace(/(<a\b[^>]*?\shref=)"([^"]*)"/gi, (all, head: string, value: string) => {
    const url = value.trim();
    if (!url) return all;
    if (!LIQUID.test(url)) {
      if (!/^https?:\/\//i.test(url) || url.includes("'")) return all;
      return `${head}"{{ '${url}' | track_link }}"`;
    }
    const single = SINGLE_OUTPUT.exec(url);
    if (single) return `${head}"{{ ${single[1]} | track_link }}"`;
    // mixed static text and Liquid: capture the finished URL, then sign it
    return `${head}"{% capture kd_href %}${url}{% endcapture %}{{ kd_href | track_link }}"`;
  });
}

export const OPEN_PIXEL = "{{ '' | track_open | raw }}";

/** Adds the open-tracking pixel just before `</body>`. */
export function addOpenPixel(html: string): string {
  const at = html.lastIndexOf("</body>");
  return at < 0 ? html + OPEN_PIXEL : html.slice(0, at) + OPEN_PIXEL + html.slice(at);
}
