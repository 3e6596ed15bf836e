import { compactHtml } from "./compact-html";

describe("compactHtml", () => {
  it("should collapse indentation and blank lines to one line break when compacting", () => {
    expect(compactHtml("<div>\n      <p>a b</p>\n\n    </div>  \n")).toBe("<div>\n<p>a b</p>\n</div>\n");
  });

  it("should keep spaces within a line when they separate inline content", () => {
    expect(compactHtml("<span>a</span> <b>b</b>")).toBe("<span>a</span> <b>b</b>");
  });

  it("should leave Liquid markup intact when it spans lines", () => {
    expect(compactHtml("<p>\n   {{ 'a\n   b' }}\n  {% if x %}\n y{% endif %}</p>")).toBe("<p>\n{{ 'a\n   b' }}\n{% if x %}\ny{% endif %}</p>");
  });

  it("should return documents with pre or textarea untouched", () => {
    const html = "<pre>\n  keep\n</pre>";
    expect(compactHtml(html)).toBe(html);
  });
});
