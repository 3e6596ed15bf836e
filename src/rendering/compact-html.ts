/**
 * Shrinks compiled MJML output without changing how it renders: each whitespace run that contains a
 * line break becomes one line break (HTML collapses any whitespace run to one space anyway). Liquid
 * markup is left untouched, and documents with whitespace-sensitive elements are returned as they are.
 */
export function compactHtml(html: string): string {
  if (/<(pre|textarea)\b/i.test(html)) return html;
  const liquid: string[] = [];
  const masked = html.replace(/\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g, (m) => `\uE000${liquid.push(m) - 1}\uE001`);
  return masked.replace(/[ \t\r]*\n\s*/g, "\n").replace(/\uE000(\d+)\uE001/g, (_m, i: string) => liquid[Number(i)]);
}
