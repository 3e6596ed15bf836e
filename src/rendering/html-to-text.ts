/** Compile-time HTML → plain-text conversion that leaves Liquid markup intact (pure). */

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", apos: "'", nbsp: " ", "#160": " ", middot: "·", mdash: "—", ndash: "–" };

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, name: string) => {
    const known = ENTITIES[name.toLowerCase()];
    if (known !== undefined) return known;
    if (name[0] === "#") {
      const code = name[1].toLowerCase() === "x" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) ? String.fromCodePoint(code) : all;
    }
    return all;
  });
}

const attr = (tag: string, name: string): string | null => {
  const match = new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)')`, "i").exec(tag);
  return match ? (match[2] ?? match[3] ?? "") : null;
};

/** The plain-text part of an email: readable text, links as `label (url)`, no markup. */
export function htmlToText(html: string): string {
  // Liquid is set aside first so a `<` inside `{% if a < 3 %}` is never mistaken for a tag
  const liquid: string[] = [];
  let text = html.replace(/\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g, (m) => `\uE000${liquid.push(m) - 1}\uE001`);
  text = text
    .replace(/<head[\s\S]*?<\/head>/gi, "")
    .replace(/<(style|script|title)[\s\S]*?<\/\1>/gi, "")
    .replace(/<!--[\s\S]*?-->/g, "");
  text = text.replace(/<a\b([^>]*)>([\s\S]*?)<\/a>/gi, (_all, attrs: string, inner: string) => {
    const href = attr(attrs, "href") ?? "";
    const alt = /<img\b[^>]*>/i.exec(inner);
    const label = inner.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").trim() || (alt ? attr(alt[0], "alt") ?? "" : "");
    if (!href) return label;
    return label ? `${label} (${href})` : href;
  });
  text = text
    .replace(/<img\b[^>]*>/gi, "")
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<\/(p|div|tr|h[1-6]|li|table|section|td)>/gi, "\n")
    .replace(/<[^>]+>/g, "");
  return decodeEntities(text)
    .split("\n")
    .map((line) => line.replace(/[ \t\r]+/g, " ").trim())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim()
    .replace(/\uE000(\d+)\uE001/g, (_m, i: string) => liquid[Number(i)]);
}
