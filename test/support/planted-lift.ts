import { seededRandom } from './analytics-simulation';

/** Purchase-file columns of `plantedLiftPurchases`, for the import's map. */
export const PLANTED_LIFT_MAP = ['receiptNumber=receipt', 'occurredAt=when', 'store=store', 'total=total'];

/**
 * A purchases CSV for a campaign over September 2026: every member (by
 * customer id) has a level of spend and buys once in August and once in
 * September around it; members not held back spend `lift` more in September.
 */
export function plantedLiftPurchases(customerIds: readonly string[], isHeldOut: (customerId: string) => boolean, storeCode: string, lift: number, seed = 42): string {
  const random = seededRandom(seed);
  const amount = (minor: number) => (Math.max(1, Math.round(minor)) / 100).toFixed(2);
  const rows = ['customerId,receipt,when,store,total'];
  for (const id of customerIds) {
    const level = 1000 + random() * 6000;
    rows.push(`${id},A-${id},2026-08-15T12:00:00.000Z,${storeCode},${amount(level * (0.7 + 0.6 * random()))}`);
    rows.push(`${id},S-${id},2026-09-15T12:00:00.000Z,${storeCode},${amount(level * (0.7 + 0.6 * random()) + (isHeldOut(id) ? 0 : lift))}`);
  }
  return rows.join('\n');
}
