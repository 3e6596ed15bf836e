import { formatDate, formatMoney, localParts, recipientTimeZone, toInstant } from "./liquid-filters";

describe("liquid filters", () => {
  it("should format money in the currency and locale when both are valid", () => {
    expect(formatMoney(1234.5, "USD", "en-US")).toBe("$1,234.50");
    expect(formatMoney("12.5", "EUR", "de-DE")).toMatch(/12,50\s€/);
  });

  it("should return an empty string when the amount is missing or not a number", () => {
    expect(formatMoney(null)).toBe("");
    expect(formatMoney("abc")).toBe("");
  });

  it("should fall back to a plain number when the currency code is invalid", () => {
    expect(formatMoney(3, "NOT-A-CURRENCY")).toBe("3.00");
  });

  it("should give local time fields in the recipient's zone when given an instant", () => {
    const at = new Date("2026-01-15T12:30:00Z");
    expect(localParts(at, "Asia/Tokyo")).toMatchObject({ hour: 21, minute: 30, day: 15, offsetMinutes: 540 });
    expect(localParts(at, "America/New_York")).toMatchObject({ hour: 7, offsetMinutes: -300, weekday: "Thursday" });
  });

  it("should choose the first valid time zone when some candidates are invalid", () => {
    expect(recipientTimeZone("Mars/Base", undefined, "Europe/Paris")).toBe("Europe/Paris");
    expect(recipientTimeZone(42)).toBe("UTC");
  });
});

describe("formatDate", () => {
  const at = new Date("2026-03-05T23:15:09Z");

  it("should print the recipient's local calendar date when the zone is ahead of UTC", () => {
    expect(formatDate(at, "%A, %B %-d %Y %H:%M", "Asia/Tokyo")).toBe("Friday, March 6 2026 08:15");
  });

  it("should print offsets and 12-hour clocks when asked", () => {
    expect(formatDate(at, "%I:%M %p %z", "America/Los_Angeles")).toBe("03:15 PM -0800");
    expect(formatDate(at, "%F %T %%", "UTC")).toBe("2026-03-05 23:15:09 %");
  });

  it("should parse now, epoch seconds and ISO strings when given to the filter", () => {
    expect(toInstant("1700000000")?.toISOString()).toBe("2023-11-14T22:13:20.000Z");
    expect(toInstant("2026-01-01T00:00:00Z")?.getTime()).toBe(Date.UTC(2026, 0, 1));
    expect(toInstant("not a date")).toBeNull();
    expect(toInstant("now", () => at)).toBe(at);
  });
});
