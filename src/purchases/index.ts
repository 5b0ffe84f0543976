import type { PurchasesService } from './purchases.service';

export { claimCodeOf } from './claim-code';
export { requestHash } from './purchase-math';
export { saleReplay } from './purchases.service';
export type { PurchasesService };
