import type { ConsentKind } from './member-consent.entity';
import { CONSENT_KINDS } from './member-consent.entity';

export type CompletenessField = 'lastName' | 'phone' | 'email' | 'birthDate' | 'consents';

/** Weights sum to 100 with the first name (always present) counting 10. */
const WEIGHTS: Record<CompletenessField, number> = { lastName: 10, phone: 20, email: 20, birthDate: 20, consents: 20 };

export interface Completeness {
  score: number;
  /** What the till or the portal can ask for next, most valuable first. */
  missing: CompletenessField[];
}

/**
 * How complete a profile is, 0–100. Consents count as given when the member
 * has answered every consent question, whether yes or no: an answer is what
 * keeps the profile current, not a particular choice.
 */
export function completenessOf(
  member: { lastName: string | null; phone: string | null; email: string | null; birthDate: string | null },
  answeredConsents: Iterable<ConsentKind>,
): Completeness {
  const answered = new Set(answeredConsents);
  const present: Record<CompletenessField, boolean> = {
    lastName: !!member.lastName,
    phone: !!member.phone,
    email: !!member.email,
    birthDate: !!member.birthDate,
    consents: CONSENT_KINDS.every((k) => answered.has(k)),
  };
  const fields = Object.keys(WEIGHTS) as CompletenessField[];
  const missing = fields.filter((f) => !present[f]).sort((a, b) => WEIGHTS[b] - WEIGHTS[a]);
  const score = 10 + fields.filter((f) => present[f]).reduce((sum, f) => sum + WEIGHTS[f], 0);
  return { score, missing };
}
