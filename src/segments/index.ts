import type { SegmentsService, SegmentView } from './segments.service';

export type { SegmentsService, SegmentView };
