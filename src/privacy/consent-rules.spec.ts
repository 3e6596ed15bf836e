import { ConsentPurpose, ConsentStatus } from "./consent.entity";
import { isAllowed, mostRestrictive } from "./consent-rules";

const d = (status: ConsentStatus, at: string) => ({ status, occurredAt: new Date(at) });

describe("consent rules", () => {
  it("should allow personalization, profiling and analytics but not email marketing by default", () => {
    expect(isAllowed(ConsentPurpose.EMAIL_MARKETING, null)).toBe(false);
    for (const p of [ConsentPurpose.PERSONALIZATION, ConsentPurpose.PROFILING, ConsentPurpose.ANALYTICS]) expect(isAllowed(p, null)).toBe(true);
  });

  it("should follow a recorded decision", () => {
    expect(isAllowed(ConsentPurpose.EMAIL_MARKETING, d(ConsentStatus.GRANTED, "2026-01-01"))).toBe(true);
    expect(isAllowed(ConsentPurpose.PERSONALIZATION, d(ConsentStatus.REVOKED, "2026-01-01"))).toBe(false);
  });

  it("should keep the most restrictive decision, then the latest", () => {
    expect(mostRestrictive([d(ConsentStatus.GRANTED, "2026-05-01"), d(ConsentStatus.DENIED, "2026-01-01")])!.status).toBe(ConsentStatus.DENIED);
    expect(mostRestrictive([d(ConsentStatus.DENIED, "2026-01-01"), d(ConsentStatus.REVOKED, "2026-02-01")])!.status).toBe(ConsentStatus.REVOKED);
    expect(mostRestrictive([null, d(ConsentStatus.GRANTED, "2026-01-01")])!.status).toBe(ConsentStatus.GRANTED);
    expect(mostRestrictive([])).toBeUndefined();
  });
});
