import { isUuid } from "../common/validation";
import { campaignIdOf, isCampaignKey } from "./campaign-key";

describe("campaign keys", () => {
  const ws = "11111111-1111-4111-8111-111111111111";

  it("should map a key to the same UUID every time and differ by workspace", () => {
    const id = campaignIdOf(ws, "spring-sale");
    expect(isUuid(id)).toBe(true);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(campaignIdOf(ws, "spring-sale")).toBe(id);
    expect(campaignIdOf("22222222-2222-4222-8222-222222222222", "spring-sale")).not.toBe(id);
  });

  it("should keep a UUID as it is and accept only sane keys", () => {
    expect(campaignIdOf(ws, ws.toUpperCase())).toBe(ws);
    expect(isCampaignKey("spring-sale")).toBe(true);
    expect(isCampaignKey(ws)).toBe(false);
    expect(isCampaignKey("has space")).toBe(false);
    expect(isCampaignKey("")).toBe(false);
  });
});
