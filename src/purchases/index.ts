import type { MemberActivity, MemberPurchaseSources, PurchaseFigures, Window } from './purchase-figures.service';
import type { CommittedBasket, PurchaseBaskets } from './purchase-baskets.service';
import type { PurchasesService } from './purchases.service';

export { claimCodeOf } from './claim-code';
export { requestHash } from './purchase-math';
export { saleReplay } from './purchases.service';
export type { Cashier, ImportedPurchase, SaleFacts } from './purchases.service';
export type { Purchase } from './purchase.entity';
export type { DailySales, DailySalesQuery, MemberPurchaseRange, SalesLevel, SqlSource } from './purchase-figures.service';
export type { CommittedBasket, MemberActivity, MemberPurchaseSources, PurchaseBaskets, PurchaseFigures, PurchasesService, Window };
