/** Derived purchase statistics of one member, computed by the purchases module after each purchase. */
export interface MemberPurchaseStats {
  firstPurchaseAt: Date | null;
  lastPurchaseAt: Date | null;
  visits: number;
  spendMinor: number;
  averageBasketMinor: number;
  favouriteStoreId: string | null;
  topCategories: string[];
}
