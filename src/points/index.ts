import type { PointsService } from './points.service';
export { MemberPointsParams } from './points.schemas';

export type { PointsService };
