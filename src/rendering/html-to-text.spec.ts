import { decodeEntities, htmlToText } from "./html-to-text";

describe("htmlToText", () => {
  it("should drop head, styles and comments when converting a document", () => {
    const html = "<html><head><title>T</title><style>p{}</style></head><body><!--[if mso]>x<![endif]--><p>Hello</p></body></html>";
    expect(htmlToText(html)).toBe("Hello");
  });

  it("should keep links as label and url when an anchor has text", () => {
    expect(htmlToText('<p>Go <a href="https://x.test/a?b=1&amp;c=2">to shop</a></p>')).toBe("Go to shop (https://x.test/a?b=1&c=2)");
  });

  it("should use the image alt as the label when a link wraps an image", () => {
    expect(htmlToText('<a href="https://x.test"><img src="i.png" alt="Logo"></a>')).toBe("Logo (https://x.test)");
  });

  it("should leave Liquid markup intact when converting", () => {
    expect(htmlToText("<div>Hi {{ profile.first_name | default: 'there' }}</div><div>{% if a %}A{% endif %}</div>")).toBe("Hi {{ profile.first_name | default: 'there' }}\n{% if a %}A{% endif %}");
  });

  it("should decode numeric and named entities when present", () => {
    expect(decodeEntities("&lt;b&gt; &#8364; &#x41; &unknown;")).toBe("<b> € A &unknown;");
  });
});

describe("htmlToText with comparisons", () => {
  it("should keep a Liquid comparison using < when converting", () => {
    expect(htmlToText("<p>{% if a < 12 %}morning{% endif %}</p>")).toBe("{% if a < 12 %}morning{% endif %}");
  });
});
