// Campaigns measured against a random holdout (issue 12, docs/campaigns.md):
// the service, and the pure statistics it uses (holdout draw, power check,
// lift with intervals and its money figures).
import type { CampaignsService } from './campaigns.service';

export type { CampaignsService };
export { DEFAULT_HOLDOUT_PERCENT, isInHoldout } from './holdout';
export { campaignReturn, estimateLift, type CampaignEconomics, type CampaignReturn, type GroupOutcomes, type Interval, type LiftEstimate, type LiftInput, type LiftVerdict } from './lift';
export { minimumDetectableLift, type DetectableLift, type PowerInput } from './power';
