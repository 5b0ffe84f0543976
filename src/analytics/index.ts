// Member analytics (issue 10): the statistical core (pure functions on plain
// arrays) and the services other modules read scores through. See docs/analytics.md.
import type { AnalyticsService } from './analytics.service';
import type { MemberFactsService } from './member-facts.service';

export type { AnalyticsService, MemberFactsService };
export type { MemberScoreView, ScoreFilter, TillHint } from './analytics.service';
export { abcClasses, ABC_DEFAULT, type AbcClass, type AbcShares } from './models/abc';
export { auc, aucFromCounts } from './models/auc';
export {
  BG_NBD_THRESHOLDS,
  bgNbdLogLikelihood,
  conditionalExpectedPurchases,
  expectedPurchasesNew,
  fitBgNbd,
  forecastMembers,
  probabilityAlive,
  probabilityNoPurchase,
  type BgNbdFit,
  type BgNbdParams,
  type BgNbdThresholds,
  type MemberForecast,
  type RepeatHistory,
} from './models/bgnbd';
export { churnRisk, churnRiskFromFacts, gapSums, merchantRhythm, merchantRhythmFromSums, ownRhythm, ownRhythmFromSums, type GapSums, type ChurnInput, type ChurnRisk, type MerchantRhythm, type Rhythm } from './models/churn';
export { customerLifetimeValue, type ClvInput, type ClvResult, type ClvSettings } from './models/clv';
export {
  expectedSpend,
  fitGammaGamma,
  GAMMA_GAMMA_THRESHOLDS,
  gammaGammaLogLikelihood,
  type GammaGammaFit,
  type GammaGammaParams,
  type GammaGammaThresholds,
  type SpendHistory,
} from './models/gamma-gamma';
export { holdoutCheck, type HoldoutBucket, type HoldoutCheck } from './models/holdout';
export { hashSeed, seededRandom } from './models/random';
export { RFM_SEGMENTS, rfmScores, rfmSegment, segmentMovement, segmentSummary, type RfmInput, type RfmScore, type RfmSegment, type SegmentSummary } from './models/rfm';
export { gapsOf, summarizeMember, visitsAsOf, visitsBetween, type MemberSummary, type Purchase } from './models/summary';
