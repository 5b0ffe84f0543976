import type { PointsFigures } from './points-figures.service';
import type { PointsService } from './points.service';

export { MemberPointsParams } from './points.schemas';
export type { PointsFigures, PointsService };
