import type { Deps } from '../deps';
import { defineModule } from '../module';
import { SegmentMember } from './segment-member.entity';
import { Segment } from './segment.entity';
import { segmentsRoutes } from './segments.routes';
import { SegmentsService } from './segments.service';

/** Segments of members (docs/campaigns.md): static lists for now; campaigns target them, offers may be limited to them. */
export const segmentsModule = defineModule({
  name: 'segments',
  entities: [Segment, SegmentMember],
  uses: [],
  create: (deps: Deps) => ({ segments: new SegmentsService(deps) }),
  routes: segmentsRoutes,
});
