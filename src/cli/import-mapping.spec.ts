import { mapRow, missingColumns, parseMaps, parseSets } from "./import-mapping";

describe("import column mapping", () => {
  it("should build nested records with converters when columns are named", () => {
    const rules = parseMaps(["user=userId", "ts=occurredAt:unix", "stars=properties.rating:number", "empty=properties.note"]);
    const row = mapRow(["7", "881250949", "4", ""], ["user", "ts", "stars", "empty"], rules, parseSets(["type=rating"]));
    expect(row).toEqual({ userId: "7", occurredAt: "1997-12-04T15:55:49.000Z", properties: { rating: 4 }, type: "rating" });
  });

  it("should address columns by 1-based position when there is no header", () => {
    expect(mapRow(["a", "b"], null, parseMaps(["2=email"]), [])).toEqual({ email: "b" });
    expect(missingColumns(parseMaps(["3=email"]), null, 2)).toEqual(["3"]);
  });

  it("should keep unconvertible text so validation can report it", () => {
    expect(mapRow(["x"], null, parseMaps(["1=properties.price:number"]), [])).toEqual({ properties: { price: "x" } });
  });

  it("should refuse malformed specs with a message naming them", () => {
    expect(() => parseMaps(["nonsense"])).toThrow("--map nonsense");
    expect(() => parseMaps(["a=b:weird"])).toThrow('unknown converter "weird"');
    expect(() => parseSets(["=x"])).toThrow("--set =x");
  });
});
