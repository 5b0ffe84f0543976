import type { Deps } from '../deps';
import { defineModule } from '../module';
import { PointsAdjustments, type PointsAdjustmentsUses } from './adjustments.service';
import { MemberBalance } from './member-balance.entity';
import { PointEntry } from './point-entry.entity';
import { PointLot } from './point-lot.entity';
import { pointsJobs } from './points.jobs';
import { pointsRoutes } from './points.routes';
import { PointsFigures } from './points-figures.service';
import { PointsService, type PointsServiceUses } from './points.service';
import { PointsReconciliation } from './reconciliation.service';

/** The points ledger, lots and cached balances; manual adjustments; reconciliation. */
export const pointsModule = defineModule({
  name: 'points',
  entities: [PointEntry, PointLot, MemberBalance],
  uses: ['members', 'rules'],
  create: (deps: Deps, use: PointsServiceUses & Omit<PointsAdjustmentsUses, 'points'>) => {
    const points = new PointsService(deps, use);
    return {
      points,
      pointsAdjustments: new PointsAdjustments(deps, { members: use.members, points }),
      pointsReconciliation: new PointsReconciliation(deps),
      pointsFigures: new PointsFigures(deps),
    };
  },
  routes: pointsRoutes,
  jobs: pointsJobs,
});
