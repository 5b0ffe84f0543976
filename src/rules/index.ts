import type { RulesService } from './rules.service';
export { allocate, cappedPointsOf, evaluateEarning, evaluateRedemption, type EarnContext, type EarnResult } from './earning';
export { categoryKey, programCategories, uniqueCategories } from './category';
export { lotExpiresAt, lotPendingUntil } from './expiry';
export { DEFAULT_RULES, ProgramRules, type Program } from './program.schemas';
export { fromWall, localPeriod, toWall } from './time-zone';

export type { RulesService };
