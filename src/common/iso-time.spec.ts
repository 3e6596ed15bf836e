import { isoString } from "./iso-time";

describe("isoString", () => {
  it("should equal toISOString for times across the supported range, before 1970 included", () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const samples = [0, -1, 1, 86_399_999, 86_400_000, -86_400_000, Date.parse("2026-11-23T23:59:59.999Z"), Date.parse("2000-02-29T12:00:00Z"), 8.64e15, -8.64e15, Date.parse("0001-01-01T00:00:00Z")];
    for (let i = 0; i < 20_000; i++) samples.push(Math.floor((random() * 2 - 1) * 8.64e15), Math.floor(Date.now() - random() * 1e11));
    for (const ms of samples) expect(isoString(ms)).toBe(new Date(ms).toISOString());
  });

  it("should defer fractions and invalid times to toISOString (which throws for invalid ones)", () => {
    expect(isoString(1.5)).toBe(new Date(1.5).toISOString());
    expect(() => isoString(Number.NaN)).toThrow(RangeError);
    expect(() => isoString(8.64e15 + 1)).toThrow(RangeError);
  });
});
