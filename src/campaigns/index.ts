// Campaign measurement (issue 12): pure statistics so far — the random
// holdout, the power check before launch, the lift and its money figures.
// See docs/campaigns.md.
export { DEFAULT_HOLDOUT_PERCENT, isInHoldout } from './holdout';
export { campaignReturn, estimateLift, type CampaignEconomics, type CampaignReturn, type GroupOutcomes, type Interval, type LiftEstimate, type LiftInput, type LiftVerdict } from './lift';
export { minimumDetectableLift, type DetectableLift, type PowerInput } from './power';
