/**
 * Offer engine CPU (issue 9 item 12, the engine's part): one 30-line basket
 * priced by the server's pipeline against 50 active offers of every mechanic,
 * next to the same basket with no offers, in one process on one core; and
 * the engine alone. Each sample is one whole evaluate (lines → offers →
 * redemption → earning); baskets vary (seeded) so no two samples are alike.
 *
 *   npx tsx bench/offer-engine/run.ts [--seconds 10]
 *
 * Run by hand, never in tests.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { applyOffers, offerLinesOf, type Mechanic, type OfferDefinition, type OfferLine } from '../../offer-engine';
import { priceBasket, type BasketLineInput, type PricingContext } from '../../src/pricing/pipeline';
import { DEFAULT_RULES, type Program } from '../../src/rules/program.schemas';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' } } });
const seconds = Number(values.seconds);

/** A small seeded generator (mulberry32), so every run prices the same baskets. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = random(9);
const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
const int = (min: number, max: number) => min + Math.floor(rnd() * (max - min + 1));

const SKUS = Array.from({ length: 200 }, (_, i) => `SKU${i}`);
const CATEGORIES = ['dairy', 'bakery', 'produce', 'meat', 'drinks', 'beer', 'household', 'frozen'];

function basket(): BasketLineInput[] {
  return Array.from({ length: 30 }, () => {
    const weighed = rnd() < 0.15;
    return { sku: pick(SKUS), category: pick(CATEGORIES), quantity: weighed ? int(100, 2500) : int(1, 6) * 1000, unitPriceMinor: int(50, 2500) };
  });
}

function mechanic(i: number): Mechanic {
  const skus = { skus: Array.from({ length: 10 }, () => pick(SKUS)) };
  const categories = { categories: [pick(CATEGORIES)] };
  switch (i % 9) {
    case 0:
      return { kind: 'percent_off', target: categories, percent: int(5, 30), capMinor: 1000 };
    case 1:
      return { kind: 'amount_off', target: skus, amountMinor: int(10, 100), per: 'unit' };
    case 2:
      return { kind: 'unit_price', target: skus, unitPriceMinor: int(50, 1500) };
    case 3:
      return { kind: 'multi_buy', target: categories, quantity: 3, priceMinor: int(300, 1500) };
    case 4:
      return { kind: 'buy_get', buy: categories, buyQuantity: 2, rewardQuantity: 1, percent: 100 };
    case 5:
      return { kind: 'buy_get', buy: skus, buyQuantity: 1, reward: { skus: [pick(SKUS)] }, rewardQuantity: 1, percent: 50 };
    case 6:
      return { kind: 'spend_reward', spendMinor: 5000, reward: { kind: 'amount_off', amountMinor: 500 } };
    case 7:
      return { kind: 'bonus_points', target: categories, multiplierPercent: 200 };
    default:
      return { kind: 'issue_coupon', spendMinor: 5000, coupon: { amountOffMinor: 500, validFromDays: 7, validDays: 7 } };
  }
}

const offers: OfferDefinition[] = Array.from({ length: 50 }, (_, i) => ({
  id: `offer-${String(i).padStart(2, '0')}`,
  name: `Offer ${i}`,
  priority: int(0, 5),
  stacking: i % 7 === 0 ? { class: 'best', group: `g${i % 3}` } : { class: 'combinable' },
  trigger: 'automatic',
  conditions: i % 4 === 0 ? { schedule: { startsOn: '2026-01-01', endsOn: null, recurrence: { rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', startTime: '08:00', durationMinutes: 720 } } } : undefined,
  mechanic: mechanic(i),
}));

const program: Program = { ...DEFAULT_RULES, version: 1, effectiveFrom: new Date(0), timeZone: 'Europe/Berlin' };
const now = new Date('2026-03-03T10:00:00Z');
const earning = { occurredAt: now, storeId: 's1', tierCode: null, isFirstPurchase: false, earnedInCapPeriod: 0, timeZone: program.timeZone };
const offerContext = { now, timeZone: program.timeZone, storeId: 's1', member: { tierCode: null, segmentIds: [], isFirstPurchase: false } };
const withOffers: PricingContext = { program, available: 0, earning, offers: { definitions: offers, context: offerContext } };
const without: PricingContext = { program, available: 0, earning };

const baskets = Array.from({ length: 1000 }, basket);

/**
 * Runs `fn` on the baskets in turn for `seconds`: per call the wall time and
 * the process CPU time (what the server pays, also on a machine busy with
 * other work, where wall time includes waiting for a core). CPU time comes
 * from getrusage, read before and after each call.
 */
function measure(fn: (lines: BasketLineInput[]) => unknown): { wall: number[]; cpu: number[] } {
  const wall: number[] = [];
  const cpu: number[] = [];
  const end = performance.now() + seconds * 1000;
  for (let i = 0; performance.now() < end; i++) {
    const lines = baskets[i % baskets.length];
    const t = performance.now();
    const before = process.cpuUsage();
    fn(lines);
    const used = process.cpuUsage(before);
    wall.push((performance.now() - t) * 1000);
    cpu.push(used.user + used.system);
  }
  return { wall, cpu };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summary(label: string, { wall, cpu }: { wall: number[]; cpu: number[] }): string {
  const mean = cpu.reduce((a, b) => a + b, 0) / cpu.length;
  return `| ${label} | ${wall.length} | ${mean.toFixed(0)} | ${percentile(cpu, 50).toFixed(0)} | ${percentile(cpu, 99).toFixed(0)} | ${percentile(wall, 50).toFixed(0)} | ${percentile(wall, 99).toFixed(0)} |`;
}

const engineLines = (lines: BasketLineInput[]): OfferLine[] => offerLinesOf(lines, program.earning.excludedCategories);

// Warm up (JIT, the recurrence cache), then measure.
for (const b of baskets.slice(0, 200)) priceBasket({ lines: b }, withOffers);
const sample = priceBasket({ lines: baskets[0] }, withOffers);
const rows = [
  summary('evaluate, no offers', measure((lines) => priceBasket({ lines }, without))),
  summary('evaluate, 50 active offers', measure((lines) => priceBasket({ lines }, withOffers))),
  summary('engine alone, 50 offers', measure((lines) => applyOffers(engineLines(lines), offers, { ...offerContext, baseRate: program.earning.baseRate }))),
];
process.stdout.write(
  [
    `load average at start ${loadavg()[0].toFixed(2)}; ${seconds} s per row; a sample basket: ${sample.offers.applied.length} offers applied, ${sample.offers.skipped.length} skipped`,
    '',
    '| 30-line basket | samples | CPU µs mean | CPU µs p50 | CPU µs p99 | wall p50 µs | wall p99 µs |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
  ].join('\n'),
);
