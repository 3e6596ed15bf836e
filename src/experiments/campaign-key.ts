// Campaigns may be named by the caller (rendering accepts free-form ids such as "spring-sale"):
// such a key maps to a deterministic UUID per workspace, so every instance, render and retry finds
// the same campaign row without a lookup.
import { createHash } from "node:crypto";
import { isUuid } from "../common/validation";

const KEY = /^[\w.:-]{1,200}$/;

/** True for a campaign key rendering accepts (not a UUID). */
export function isCampaignKey(value: string): boolean {
  return KEY.test(value) && !isUuid(value);
}

/** The campaign id for a UUID (itself) or a key (a name-based UUID, version 8 layout). */
export function campaignIdOf(workspaceId: string, idOrKey: string): string {
  if (isUuid(idOrKey)) return idOrKey.toLowerCase();
  const hex = createHash("sha256").update(`campaign:${workspaceId}:${idOrKey}`).digest("hex");
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
