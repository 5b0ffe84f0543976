import type { Deps } from '../deps';
import { defineModule } from '../module';
import { CampaignMember } from './campaign-member.entity';
import { Campaign } from './campaign.entity';
import { campaignsRoutes } from './campaigns.routes';
import { CampaignsService, type CampaignsServiceUses } from './campaigns.service';

/** Campaigns measured against a random holdout (docs/campaigns.md). */
export const campaignsModule = defineModule({
  name: 'campaigns',
  entities: [Campaign, CampaignMember],
  uses: ['purchaseFigures', 'segments'],
  create: (deps: Deps, use: CampaignsServiceUses) => ({ campaigns: new CampaignsService(deps, use) }),
  routes: campaignsRoutes,
});
