import { addOpenPixel, rewriteLinks } from "./link-tracking";

describe("rewriteLinks", () => {
  it("should wrap a static http link in the track_link filter when rewriting", () => {
    expect(rewriteLinks('<a class="b" href="https://shop.test/x?a=1">Go</a>')).toBe(`<a class="b" href="{{ 'https://shop.test/x?a=1' | track_link }}">Go</a>`);
  });

  it("should pipe a single Liquid output through track_link when the href is one expression", () => {
    expect(rewriteLinks('<a href="{{ item.url }}">x</a>')).toBe('<a href="{{ item.url | track_link }}">x</a>');
  });

  it("should capture mixed hrefs when static text and Liquid are combined", () => {
    expect(rewriteLinks('<a href="https://s.test/?t={{ p.tier }}">x</a>')).toBe('<a href="{% capture kd_href %}https://s.test/?t={{ p.tier }}{% endcapture %}{{ kd_href | track_link }}">x</a>');
  });

  it("should leave mailto, anchors and empty links alone when rewriting", () => {
    const html = '<a href="mailto:a@b.c">m</a><a href="#top">t</a><a href="">e</a>';
    expect(rewriteLinks(html)).toBe(html);
  });

  it("should insert the open pixel before the closing body tag when present", () => {
    expect(addOpenPixel("<body>x</body></html>")).toBe("<body>x{{ '' | track_open | raw }}</body></html>");
  });
});
