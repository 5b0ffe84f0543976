import type { Deps } from '../deps';
import { defineModule } from '../module';
import { SegmentMemberChange } from './segment-member-change.entity';
import { SegmentMember } from './segment-member.entity';
import { Segment } from './segment.entity';
import { segmentsJobs } from './segments.jobs';
import { segmentsRoutes } from './segments.routes';
import { SegmentsService, type SegmentsUses } from './segments.service';
import { segmentsSubscribers } from './segments.subscribers';

/**
 * Segments of members (docs/campaigns.md): static lists and rules over
 * member facts and scores; campaigns target them, offers may be limited to them.
 */
export const segmentsModule = defineModule({
  name: 'segments',
  entities: [Segment, SegmentMember, SegmentMemberChange],
  uses: ['analytics', 'feedback', 'memberFacts', 'memberPurchaseSources', 'members'],
  create: (deps: Deps, use: SegmentsUses) => ({ segments: new SegmentsService(deps, use) }),
  routes: segmentsRoutes,
  jobs: segmentsJobs,
  subscribers: segmentsSubscribers,
});
