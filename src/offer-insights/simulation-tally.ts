import type { AppliedOffer } from '../../offer-engine';
import type { OfferSimulation } from './offer-insights.schemas';

const WEEK_MS = 7 * 24 * 3600_000;

/**
 * Adds up a simulation one basket at a time: totals, distinct members and
 * the per-week series. Keeps only counters and member ids, never baskets.
 */
export class SimulationTally {
  private readonly series: OfferSimulation['series'];
  private readonly members = new Set<string>();
  private readonly qualifyingMembers = new Set<string>();
  private salesMinor = 0;
  private qualifyingSalesMinor = 0;

  constructor(
    private readonly from: Date,
    private readonly to: Date,
    private readonly weeks: number,
  ) {
    this.series = Array.from({ length: weeks }, (_, i) => ({
      weekStart: new Date(from.getTime() + i * WEEK_MS).toISOString(),
      baskets: 0,
      qualifyingBaskets: 0,
      discountMinor: 0,
      points: 0,
    }));
  }

  /** A basket of the period and what the offer did to it (null: it did not apply). */
  add(basket: { memberId: string | null; occurredAt: Date; totalMinor: number }, applied: AppliedOffer | null): void {
    const week = this.series[Math.min(this.weeks - 1, Math.floor((basket.occurredAt.getTime() - this.from.getTime()) / WEEK_MS))];
    week.baskets++;
    this.salesMinor += basket.totalMinor;
    if (basket.memberId) this.members.add(basket.memberId);
    if (!applied) return;
    week.qualifyingBaskets++;
    week.discountMinor += applied.discountMinor;
    week.points += applied.points;
    this.qualifyingSalesMinor += basket.totalMinor;
    if (basket.memberId) this.qualifyingMembers.add(basket.memberId);
  }

  result(): OfferSimulation {
    const sum = (key: 'baskets' | 'qualifyingBaskets' | 'discountMinor' | 'points') => this.series.reduce((s, w) => s + w[key], 0);
    const baskets = sum('baskets');
    const qualifyingBaskets = sum('qualifyingBaskets');
    return {
      from: this.from.toISOString(),
      to: this.to.toISOString(),
      weeks: this.weeks,
      baskets,
      qualifyingBaskets,
      discountMinor: sum('discountMinor'),
      points: sum('points'),
      members: this.members.size,
      qualifyingMembers: this.qualifyingMembers.size,
      averageBasketMinor: baskets ? Math.round(this.salesMinor / baskets) : null,
      averageQualifyingBasketMinor: qualifyingBaskets ? Math.round(this.qualifyingSalesMinor / qualifyingBaskets) : null,
      series: this.series,
    };
  }
}

/** The period of a simulation: `weeks` 7-day periods ending at `now`. */
export function simulationWindow(weeks: number, now: Date): { from: Date; to: Date } {
  return { from: new Date(now.getTime() - weeks * WEEK_MS), to: now };
}
