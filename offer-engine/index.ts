/**
 * The offer engine: pure functions shared by the server's pricing pipeline
 * (src/pricing/pipeline.ts) and pos-plugin, so an offline till computes
 * exactly what the server would. This folder imports nothing from outside
 * itself (test/unit/offer-engine/self-contained.test.ts holds it to that);
 * see docs/offers.md for the definition format, mechanics, stacking and reasons.
 */
export { applyOffers } from './engine';
export { definitionProblem, eligibility } from './definition';
export { keptDiscounts, termsOf, type OfferTerms } from './returns';
export { lineAmount, offerLinesOf, type TillLine } from './till-lines';
export type { Schedule } from './recurrence';
export * from './types';
