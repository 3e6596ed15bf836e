import { UserInputError } from "../common/errors";
import { decodeCursor, encodeCursor } from "../common/pagination";
import { isUuid } from "../common/validation";
import { PORTS, type ServiceLookup } from "./adapters/ports";

/** One page of recipients. */
export interface AudiencePage {
  ids: string[];
  endCursor: string | null;
  hasNextPage: boolean;
}

/** Pages through explicit profile ids (offset cursor) or a segment's members (the segment's own cursor). */
export async function pageAudience(lookup: ServiceLookup, workspaceId: string, audience: { profileIds?: string[] | null; segmentId?: string | null }, first: number, after?: string | null): Promise<AudiencePage> {
  const { profileIds, segmentId } = audience;
  if (profileIds?.length && segmentId) throw UserInputError.single("segmentId", "give either profileIds or segmentId, not both");
  if (!profileIds?.length && !segmentId) throw UserInputError.single("profileIds", "give profileIds or a segmentId");
  if (profileIds?.length) {
    const bad = profileIds.map((id, i) => [id, i] as const).filter(([id]) => !isUuid(id));
    if (bad.length) throw new UserInputError(bad.slice(0, 20).map(([id, i]) => ({ path: `profileIds[${i}]`, message: `must be a UUID, got "${String(id).slice(0, 40)}"` })));
    const offset = after ? Number(decodeCursor(after, 1)[0]) : 0;
    if (!Number.isInteger(offset) || offset < 0) throw UserInputError.single("after", "is not a cursor returned by this API");
    const ids = profileIds.slice(offset, offset + first);
    const end = offset + ids.length;
    return { ids, endCursor: ids.length ? encodeCursor([end]) : after ?? null, hasNextPage: end < profileIds.length };
  }
  if (!isUuid(segmentId!)) throw UserInputError.single("segmentId", "must be a UUID");
  const segments = lookup.get(PORTS.segments, "memberIds");
  if (!segments) throw UserInputError.single("segmentId", "segment audiences are unavailable: the segments module is not installed");
  const theirs = after ? String(decodeCursor(after, 1)[0]) : null;
  // ask for one more than a page: the extra id only says whether another page exists
  const page = await segments.memberIds(workspaceId, segmentId!, first + 1, theirs);
  if (Array.isArray(page)) {
    const ids = page.slice(0, first);
    return { ids, endCursor: ids.length ? encodeCursor([ids[ids.length - 1]]) : after ?? null, hasNextPage: page.length > first };
  }
  const ids = (page.ids ?? page.profileIds ?? []).slice(0, first);
  return { ids, endCursor: page.endCursor ? encodeCursor([page.endCursor]) : null, hasNextPage: Boolean(page.hasNextPage) };
}
