import { uuidV7 } from "./uuid-v7";

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const millis = (id: string) => parseInt(id.replace(/-/g, "").slice(0, 12), 16);

describe("uuidV7", () => {
  it("should carry the version, the variant and the given milliseconds", () => {
    const at = Date.UTC(2026, 10, 23, 21, 0, 0, 123);
    const id = uuidV7(at);
    expect(id).toMatch(V7);
    expect(millis(id)).toBe(at);
  });

  it("should sort ids of later milliseconds after earlier ones", () => {
    const ids = [1_000, 1_001, 2 ** 40, 2 ** 47].map((ms) => uuidV7(ms));
    expect([...ids].sort()).toEqual(ids);
  });

  it("should give distinct random parts across many ids of one millisecond (beyond one pool of random bytes)", () => {
    const ids = Array.from({ length: 2000 }, () => uuidV7(5_000));
    expect(new Set(ids).size).toBe(2000);
    for (const id of ids) expect(id).toMatch(V7);
  });
});
