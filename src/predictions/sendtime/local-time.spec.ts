import { localHourOfWeek, validTimezone } from "./send-time.service";

describe("local hour of the week", () => {
  it("should convert an instant into the profile's timezone when the zone is known", () => {
    // 2024-01-04 was a Thursday; 12:00 UTC is 07:00 in New York (EST) and 21:00 in Tokyo.
    const at = new Date("2024-01-04T12:00:00Z");
    expect(localHourOfWeek(at, "UTC")).toBe(3 * 24 + 12);
    expect(localHourOfWeek(at, "America/New_York")).toBe(3 * 24 + 7);
    expect(localHourOfWeek(at, "Asia/Tokyo")).toBe(3 * 24 + 21);
  });

  it("should wrap into the next week when Sunday night in UTC is Monday morning locally", () => {
    expect(localHourOfWeek(new Date("2024-01-07T23:30:00Z"), "Asia/Tokyo")).toBe(8);
  });

  it("should fall back to UTC when the timezone is unknown or missing", () => {
    expect(validTimezone("Mars/Olympus")).toBe("UTC");
    expect(validTimezone(null)).toBe("UTC");
    expect(validTimezone("Europe/Berlin")).toBe("Europe/Berlin");
  });
});
