import type { ModuleJob } from '../module';
import type { PointsService } from './points.service';
import type { PointsReconciliation } from './reconciliation.service';

type PointsServices = { points: PointsService; pointsReconciliation: PointsReconciliation };

/** Every 10 minutes: lots past their expiry are expired (one entry per member per run). */
export const expirePointsJob: ModuleJob<PointsServices> = {
  name: 'points.expire',
  schedule: '*/10 * * * *',
  async handle(_data, services) {
    await services.points.expireDue(new Date());
  },
};

/** Every 10 minutes: pending lots whose hold period is over become spendable. */
export const releasePendingPointsJob: ModuleJob<PointsServices> = {
  name: 'points.release-pending',
  schedule: '5-59/10 * * * *',
  async handle(_data, services) {
    await services.points.releaseDue(new Date());
  },
};

/**
 * Nightly: compares every cached balance with its ledger and lots. A mismatch
 * is a bug, never expected: it is logged at error level and recorded in the
 * merchant's audit log. Not thrown: a retry would only record it again.
 */
export const reconcilePointsJob: ModuleJob<PointsServices> = {
  name: 'points.reconcile',
  schedule: '40 3 * * *',
  async handle(_data, services) {
    await services.pointsReconciliation.recordMismatches(await services.pointsReconciliation.reconcile(), new Date());
  },
};

export const pointsJobs: ModuleJob<PointsServices>[] = [expirePointsJob, releasePendingPointsJob, reconcilePointsJob];
