// Statistical core of member analytics (issue 10): pure functions on plain
// arrays, no database yet. See docs/analytics.md.
export { abcClasses, ABC_DEFAULT, type AbcClass, type AbcShares } from './models/abc';
export { auc } from './models/auc';
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
export { churnRisk, merchantRhythm, ownRhythm, type ChurnInput, type ChurnRisk, type MerchantRhythm, type Rhythm } from './models/churn';
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
export { seededRandom } from './models/random';
export { RFM_SEGMENTS, rfmScores, rfmSegment, segmentMovement, segmentSummary, type RfmInput, type RfmScore, type RfmSegment, type SegmentSummary } from './models/rfm';
export { gapsOf, summarizeMember, visitsAsOf, visitsBetween, type MemberSummary, type Purchase } from './models/summary';
