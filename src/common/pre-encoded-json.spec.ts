import { jsonStringContent, PreEncodedString, stringifyWithPreEncoded, takeAsciiResponse } from "./pre-encoded-json";

const pre = (s: string) => new PreEncodedString(jsonStringContent(s), s.length);

describe("pre-encoded JSON strings", () => {
  const samples = ["plain", 'quote " backslash \\ newline \n tab \t', "Mon–Sat · 9:00 😀 \u2028 \u0000", "\ud800 lone", ""];

  it("should encode to ASCII JSON that parses back to the same string when escaping", () => {
    for (const s of samples) {
      const json = jsonStringContent(s);
      expect([/^[\x20-\x7e]*$/.test(json), JSON.parse(`"${json}"`)]).toEqual([true, s]);
    }
  });

  it("should stringify to what JSON.stringify gives the plain strings when a result holds pre-encoded ones", () => {
    const result = { data: { list: samples.map((s, i) => ({ id: i, html: pre(s), other: s })), tricky: '"\\u0000kd-pre-encoded-x:0"' } };
    const spliced = stringifyWithPreEncoded(result);
    expect(JSON.parse(spliced)).toEqual(JSON.parse(JSON.stringify(result)));
    expect(spliced.endsWith("}\n")).toBe(true);
    expect(stringifyWithPreEncoded({ a: 1 })).toBe('{"a":1}\n');
    expect(stringifyWithPreEncoded(pre("x\"y"))).toBe('"x\\"y"\n');
  });

  it("should splice the encoding without decoding it when stringifying a response", () => {
    const value = pre("<p>“hi”</p>");
    const decode = jest.spyOn(value, "toString");
    expect(JSON.parse(stringifyWithPreEncoded({ data: { emails: [{ html: value }], list: [value] } }))).toEqual({ data: { emails: [{ html: "<p>“hi”</p>" }], list: ["<p>“hi”</p>"] } });
    expect(decode).not.toHaveBeenCalled();
  });

  it("should act as the plain string when converted or serialized elsewhere", () => {
    const value = pre("Hi <b>“you”</b>");
    expect([String(value), `${value}`, JSON.stringify({ value }), value.length]).toEqual(["Hi <b>“you”</b>", "Hi <b>“you”</b>", JSON.stringify({ value: "Hi <b>“you”</b>" }), 15]);
  });

  it("should make large responses ASCII and recognize each once when the server writes it", () => {
    const result = { data: { emails: Array.from({ length: 40 }, (_, i) => ({ subject: `Café ${i} “quoted”`, html: pre(`<p>${"x".repeat(2000)} – ${i}</p>`) })) } };
    const body = stringifyWithPreEncoded(result);
    // eslint-disable-next-line no-control-regex -- every ASCII character
    expect([/^[\x00-\x7f]*$/.test(body), JSON.parse(body)]).toEqual([true, JSON.parse(JSON.stringify(result))]);
    expect(takeAsciiResponse(`${body}`.slice(0))).toBe(true);
    expect(takeAsciiResponse(body)).toBe(false);
    expect(takeAsciiResponse(JSON.stringify(result))).toBe(false);
    expect(takeAsciiResponse(stringifyWithPreEncoded({ small: pre("é") }))).toBe(false);
  });
});
