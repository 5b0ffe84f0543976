import { applyOffers, offerLinesOf, type OfferDefinition, type OfferMember } from '../../offer-engine';
import type { CatalogueService } from '../catalogue';
import { Buckets } from '../db/buckets';
import type { Principal } from '../http/principal';
import type { MerchantsService } from '../merchants';
import type { CreateOfferBody, OffersService } from '../offers';
import { currencyDigits } from '../pricing';
import type { CommittedBasket, PurchaseBaskets } from '../purchases';
import { fromWall, toWall, type RulesService } from '../rules';
import type { SegmentsService } from '../segments';
import type { OfferDaily, OfferSimulation } from './offer-insights.schemas';
import { SimulationTally, simulationWindow } from './simulation-tally';

const DAY_MS = 86_400_000;

/** The other modules' services this one calls. */
export interface OfferInsightsServiceUses {
  catalogue: CatalogueService;
  merchants: MerchantsService;
  offers: OffersService;
  purchaseBaskets: PurchaseBaskets;
  rules: RulesService;
  segments: SegmentsService;
}

/**
 * What an offer would do and what it did, where the merchant's sales,
 * catalogue, program and time zone are needed (docs/offers.md). Simulation
 * before launch: every completed basket of the last weeks, read a page at
 * a time, priced again by the same pure engine the till uses, with the
 * offer alone and the catalogue and program of today. The report's days:
 * the offer's uses per local day.
 */
export class OfferInsightsService {
  constructor(private readonly services: OfferInsightsServiceUses) {}

  /** A draft that is not saved: the body's offer, checked like a saved one (a 400 under body.offer otherwise). */
  async simulateDraft(principal: Principal, offer: CreateOfferBody, weeks: number, now = new Date()): Promise<OfferSimulation> {
    return this.run(principal.merchantId, this.services.offers.draftDefinition(offer, 'body.offer'), weeks, now);
  }

  /** One of the merchant's offers, whatever its status. */
  async simulateOffer(principal: Principal, offerId: string, weeks: number, now = new Date()): Promise<OfferSimulation> {
    return this.run(principal.merchantId, await this.services.offers.definition(principal.merchantId, offerId), weeks, now);
  }

  /** The offer's uses per local day, the last `days` days up to today or to the day it ended. */
  async daily(principal: Principal, offerId: string, days: number, now = new Date()): Promise<OfferDaily> {
    const { merchantId } = principal;
    const offer = await this.services.offers.get(principal, offerId);
    const { timeZone } = await this.services.rules.programAt(merchantId, now);
    const last = toWall(offer.endedAt && offer.endedAt < now.toISOString() ? new Date(offer.endedAt) : now, timeZone);
    const lastDay = Date.UTC(last.getUTCFullYear(), last.getUTCMonth(), last.getUTCDate());
    const walls = Array.from({ length: days + 1 }, (_, i) => new Date(lastDay - (days - 1 - i) * DAY_MS));
    const series = await this.services.offers.usesPerBucket(merchantId, offerId, new Buckets(walls.map((w) => fromWall(w, timeZone))));
    return {
      offerId,
      timeZone,
      days: walls.slice(0, -1).map((w, i) => ({
        date: w.toISOString().slice(0, 10),
        uses: series.uses[i],
        discountMinor: series.discountMinor[i],
        points: series.points[i],
        salesMinor: series.salesMinor[i],
      })),
    };
  }

  private async run(merchantId: string, offer: OfferDefinition, weeks: number, now: Date): Promise<OfferSimulation> {
    const { catalogue, merchants, purchaseBaskets, rules } = this.services;
    const window = simulationWindow(weeks, now);
    const program = await rules.programAt(merchantId, now);
    const merchant = await merchants.merchantSettings(merchantId);
    const definition = overThePast(offer, localDate(window.from, program.timeZone));
    const members = new MemberFacts(merchantId, definition, this.services, now);
    const zones = new Map<string, string>();
    const tally = new SimulationTally(window.from, window.to, weeks);
    for await (const page of purchaseBaskets.committedBaskets(merchantId, window)) {
      // One catalogue lookup per page, for the lines of all its baskets.
      const lines = await catalogue.withProducts(merchantId, page.flatMap(tillLines));
      let next = 0;
      for (const basket of page) {
        const own = lines.slice(next, (next += basket.lines.length));
        if (!zones.has(basket.storeId)) zones.set(basket.storeId, (await merchants.storeSettings(merchantId, basket.storeId)).timeZone ?? program.timeZone);
        const outcome = applyOffers(offerLinesOf(own, program.earning.excludedCategories), [definition], {
          now: basket.occurredAt,
          timeZone: zones.get(basket.storeId) as string,
          storeId: basket.storeId,
          member: basket.memberId ? { ...(await members.of(basket.memberId)), isFirstPurchase: basket.isFirstPurchase } : null,
          chosenOfferIds: [definition.id],
          baseRate: program.earning.baseRate,
          currencyDigits: currencyDigits(merchant.currency),
        });
        tally.add(basket, outcome.applied[0] ?? null);
      }
    }
    return tally.result();
  }
}

function tillLines(basket: CommittedBasket) {
  return basket.lines.map((l) => ({ sku: l.sku, category: l.category, quantity: l.quantityMilli, unitPriceMinor: l.unitPriceMinor, amountMinor: l.amountMinor }));
}

/**
 * The offer as if it had run all along: its dates are left out (they are in
 * the future for a draft), its recurrence kept and counted from the first
 * day of the period. A chosen offer (a code, a personal offer) counts as
 * chosen at every sale: the most it could cost.
 */
function overThePast(offer: OfferDefinition, firstDay: string): OfferDefinition {
  const schedule = offer.conditions?.schedule;
  if (!schedule) return offer;
  return { ...offer, conditions: { ...offer.conditions, schedule: { startsOn: firstDay, endsOn: null, recurrence: schedule.recurrence } } };
}

/**
 * A member's tier and segments, read once per member and only when the
 * offer's conditions look at them. The tier is today's: past tiers are not kept.
 */
class MemberFacts {
  private readonly known = new Map<string, Omit<OfferMember, 'isFirstPurchase'>>();
  private readonly needsTier: boolean;
  private readonly needsSegments: boolean;

  constructor(
    private readonly merchantId: string,
    offer: OfferDefinition,
    private readonly services: Pick<OfferInsightsServiceUses, 'rules' | 'segments'>,
    private readonly now: Date,
  ) {
    this.needsTier = offer.conditions?.tierCodes !== undefined;
    this.needsSegments = offer.conditions?.segmentIds !== undefined;
  }

  async of(memberId: string): Promise<Omit<OfferMember, 'isFirstPurchase'>> {
    let facts = this.known.get(memberId);
    if (!facts) {
      facts = {
        tierCode: this.needsTier ? ((await this.services.rules.tierProgress(this.merchantId, memberId, this.now)).tier?.code ?? null) : null,
        segmentIds: this.needsSegments ? await this.services.segments.segmentIdsOf(this.merchantId, memberId) : [],
      };
      this.known.set(memberId, facts);
    }
    return facts;
  }
}

/** YYYY-MM-DD of an instant in a time zone. */
function localDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}
