import { ConsentPurpose, ConsentStatus } from "./consent.entity";

/** A recorded consent decision, as the rules see it. */
export interface ConsentDecision {
  status: ConsentStatus;
  occurredAt: Date;
}

/**
 * May we use this person's data for `purpose`? Without a recorded decision: personalization,
 * profiling and analytics are allowed (legitimate interest) and email marketing is not (it needs
 * an explicit GRANTED). DENIED or REVOKED always forbids; GRANTED always allows.
 */
export function isAllowed(purpose: ConsentPurpose | string, decision: ConsentDecision | undefined | null): boolean {
  if (!decision) return purpose !== ConsentPurpose.EMAIL_MARKETING;
  return decision.status === ConsentStatus.GRANTED;
}

const restrictive = (s: ConsentStatus) => s !== ConsentStatus.GRANTED;

/**
 * The decision that survives a merge: the most restrictive one (DENIED/REVOKED over GRANTED);
 * between equally restrictive decisions, the most recent. A recorded decision beats none.
 */
export function mostRestrictive<T extends ConsentDecision>(decisions: (T | undefined | null)[]): T | undefined {
  let best: T | undefined;
  for (const d of decisions) {
    if (!d) continue;
    if (!best) best = d;
    else if (restrictive(d.status) !== restrictive(best.status)) best = restrictive(d.status) ? d : best;
    else if (d.occurredAt.getTime() > best.occurredAt.getTime()) best = d;
  }
  return best;
}
