import type { CatalogueService } from '../catalogue';
import { subscriber } from '../events/subscriber';
import type { PurchasesService } from './purchases.service';

/**
 * Keeps members' purchase stats (and their tier, evaluated with them) current:
 * every purchase event of a member, and a merge that moved purchases to one,
 * refreshes them. Coalesced by the relay round: the events delivered together
 * give each member one refresh, however many sales they had.
 */
export const memberStatsSubscriber = subscriber({
  name: 'purchases.member-stats',
  events: ['purchase.recorded', 'purchase.returned', 'purchase.voided', 'purchase.claimed', 'member.merged'],
  async handle(events, services: { purchases: PurchasesService }) {
    const byMerchant = new Map<string, string[]>();
    for (const event of events) {
      const memberId = event.type === 'member.merged' ? event.data.intoMemberId : event.data.memberId;
      if (memberId) byMerchant.set(event.merchantId, [...(byMerchant.get(event.merchantId) ?? []), memberId]);
    }
    for (const [merchantId, memberIds] of byMerchant) await services.purchases.refreshMemberStats(merchantId, memberIds);
  },
});

/** Purchases whose lines are read in one statement. */
const LEARN_CHUNK = 500;

/**
 * The catalogue learns from sales: a SKU the till sold that the catalogue
 * does not know becomes a product with the line's category and description
 * (`catalogue.learn`, idempotent). The sales of one relay round are read
 * and learned together, per merchant.
 */
export const learnProductsSubscriber = subscriber({
  name: 'purchases.learn-products',
  events: ['purchase.recorded'],
  async handle(events, services: { purchases: PurchasesService; catalogue: CatalogueService }) {
    const byMerchant = new Map<string, string[]>();
    for (const event of events) byMerchant.set(event.merchantId, [...(byMerchant.get(event.merchantId) ?? []), event.data.purchaseId]);
    for (const [merchantId, purchaseIds] of byMerchant) {
      for (let i = 0; i < purchaseIds.length; i += LEARN_CHUNK) {
        const items = await services.purchases.soldItems(merchantId, purchaseIds.slice(i, i + LEARN_CHUNK));
        await services.catalogue.learn(merchantId, items);
      }
    }
  },
});

export const purchasesSubscribers = [memberStatsSubscriber, learnProductsSubscriber];
