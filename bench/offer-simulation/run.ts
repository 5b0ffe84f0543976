/**
 * Offer simulation benchmark (issue 9 item 9): seeds N completed sales of
 * 8 lines each over the last 8 weeks (a fifth of them with dairy) into a fresh SQLite file (or MySQL
 * with --mysql), a third of them by 2,000 members, then simulates "10 % off
 * dairy" over them through the service the API calls, sampling the
 * process's peak RSS and heap: the sales are read a page at a time, so the
 * heap must not grow with N.
 *
 *   npx tsx bench/offer-simulation/run.ts [--baskets 50000] [--mysql]
 *
 * Run by hand, never in tests.
 */
import 'reflect-metadata';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { newId } from '../../src/db/ids';
import { Merchant } from '../../src/merchants/merchant.entity';
import { Store } from '../../src/merchants/store.entity';
import { Terminal } from '../../src/merchants/terminal.entity';
import { PurchaseLine } from '../../src/purchases/purchase-line.entity';
import { Purchase } from '../../src/purchases/purchase.entity';
import { measured, openBenchRuntime } from '../support/runtime';

const { values } = parseArgs({ options: { baskets: { type: 'string', default: '50000' }, mysql: { type: 'boolean', default: false } } });
const BASKETS = Number(values.baskets);
const LINES = 8;
const MEMBERS = 2000;
const CATEGORIES = ['dairy', 'bakery', 'produce', 'meat', 'drinks', 'beer', 'household', 'frozen'];

async function main(): Promise<void> {
  const bench = await openBenchRuntime('simulation', values.mysql);
  const { target, dataSource, db, services } = bench;
  const now = new Date();
  const merchant = await dataSource.manager.save(Merchant, { id: newId(), name: 'Bench', currency: 'GBP', timeZone: 'Europe/London', locale: 'en-GB', settings: null, createdAt: now, updatedAt: now });
  const store = await dataSource.manager.save(Store, { id: newId(), merchantId: merchant.id, code: 'MAIN', name: 'Main', address: null, timeZone: null, active: true, createdAt: now, updatedAt: now });
  const terminal = await dataSource.manager.save(Terminal, { id: newId(), merchantId: merchant.id, storeId: store.id, name: 'Till', keyPrefix: 'bench', keyHash: 'bench', revokedAt: null, lastSeenAt: null, createdAt: now });
  const members = Array.from({ length: MEMBERS }, () => newId());
  const span = 8 * 7 * 86_400_000 - 60_000;
  const seeded = await measured(async () => {
    for (let i = 0; i < BASKETS; i += 500) {
      const purchases: Omit<Purchase, 'response' | 'voidResponse'>[] = [];
      const lines: PurchaseLine[] = [];
      for (let n = i; n < Math.min(BASKETS, i + 500); n++) {
        const id = newId(now.getTime() + n);
        const occurredAt = new Date(now.getTime() - span + Math.floor((n / BASKETS) * span));
        let total = 0;
        for (let l = 0; l < LINES; l++) {
          const unitPriceMinor = 50 + ((n * 7 + l * 13) % 900);
          const quantityMilli = (1 + ((n + l) % 3)) * 1000;
          const amountMinor = (unitPriceMinor * quantityMilli) / 1000;
          total += amountMinor;
          lines.push({ purchaseId: id, lineNo: l + 1, merchantId: merchant.id, sku: `SKU${(n * 31 + l * 17) % 500}`, category: CATEGORIES[(n % 5) + (l % 3)], description: null, quantityMilli, unitPriceMinor, amountMinor, discountMinor: 0, points: 0, returnedQuantityMilli: 0, returnedAmountMinor: 0, pointsReversed: 0 });
        }
        purchases.push({
          id,
          merchantId: merchant.id,
          storeId: store.id,
          terminalId: terminal.id,
          receiptNumber: `R${n}`,
          cashierId: null,
          cashierName: null,
          memberId: n % 3 === 0 ? members[n % MEMBERS] : null,
          cardId: null,
          occurredAt,
          recordedAt: occurredAt,
          totalMinor: total,
          discountMinor: 0,
          pointsRedeemed: 0,
          redeemValueMinor: 0,
          pointsEarned: 0,
          programVersion: null,
          status: 'completed',
          refundedMinor: 0,
          pointsReversed: 0,
          pointsRestored: 0,
          idempotencyKey: `k${n}`,
          requestHash: '0'.repeat(64),
          claimedAt: null,
          claimedBy: null,
          voidedAt: null,
          voidCashierId: null,
          voidIdempotencyKey: null,
          voidRequestHash: null,
        });
      }
      await db.transaction(async (tx) => {
        await tx.insert(Purchase, purchases);
        // SQLite takes at most 999 bound values per statement: lines go in slices.
        for (let s = 0; s < lines.length; s += 60) await tx.insert(PurchaseLine, lines.slice(s, s + 60));
      });
    }
  });
  process.stdout.write(`${target.kind}, ${BASKETS} sales of ${LINES} lines seeded in ${seeded.seconds.toFixed(1)} s; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
  global.gc?.();
  const idle = process.memoryUsage();
  process.stdout.write(`before the simulation: RSS ${(idle.rss / 2 ** 20).toFixed(0)} MB, heap ${(idle.heapUsed / 2 ** 20).toFixed(0)} MB\n`);
  const read = await measured(async () => {
    let baskets = 0;
    for await (const page of services.purchaseBaskets.committedBaskets(merchant.id, { from: new Date(now.getTime() - span - 60_000), to: new Date() })) baskets += page.length;
    return baskets;
  });
  process.stdout.write(`reading the sales alone: ${read.seconds.toFixed(1)} s (${Math.round(read.result / read.seconds)} baskets/s); peak RSS ${read.rssMb.toFixed(0)} MB, heap ${read.heapMb.toFixed(0)} MB\n`);
  global.gc?.();
  const principal = { kind: 'staff' as const, merchantId: merchant.id, userId: newId(), role: 'owner' as const, storeIds: null };
  const offer = { name: '10% off dairy', priority: 0, stacking: { class: 'combinable' as const }, trigger: 'automatic' as const, mechanic: { kind: 'percent_off' as const, target: { categories: ['dairy'] }, percent: 10 } };
  const run = await measured(() => services.offerInsights.simulateDraft(principal, offer, 8));
  const r = run.result;
  process.stdout.write(
    `simulation over 8 weeks: ${run.seconds.toFixed(1)} s (${Math.round(r.baskets / run.seconds)} baskets/s), ${r.baskets} baskets, ${r.qualifyingBaskets} qualify, discount ${r.discountMinor}; peak RSS ${run.rssMb.toFixed(0)} MB, heap ${run.heapMb.toFixed(0)} MB; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`,
  );
  await bench.close();
}

void main();
