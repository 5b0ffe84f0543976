/**
 * The analytics models on a real retailer's year (UCI Online Retail,
 * 2010-12-01 … 2011-12-09): the pure functions of src/analytics, read
 * straight from the shared file (no database, no import yet).
 *
 *   npx tsx bench/analytics/online-retail.ts [--file ../shared/data/online-retail.csv.gz] [--calibration-end 2011-09-09] [--horizon 90]
 *
 * Calibration: everything up to the calibration end (as of that day);
 * holdout: the `horizon` days after it. Prints the fits and their
 * diagnostics, the calibration/holdout check, the churn backtest (AUC of the
 * risk score as of the calibration end against "did not come back within the
 * horizon", next to P(alive) alone and days-since-last alone), RFM, ABC and
 * CLV, with the time each step took.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  abcClasses,
  auc,
  churnRisk,
  customerLifetimeValue,
  fitBgNbd,
  fitGammaGamma,
  holdoutCheck,
  merchantRhythm,
  probabilityAlive,
  probabilityNoPurchase,
  rfmScores,
  segmentSummary,
  summarizeMember,
  visitsAsOf,
  visitsBetween,
  gapsOf,
  type Purchase,
} from '../../src/analytics';
import { readInvoices } from '../replay-online-retail/source';

const { values: args } = parseArgs({
  options: {
    file: { type: 'string', default: resolve(__dirname, '../../../shared/data/online-retail.csv.gz') },
    'calibration-end': { type: 'string', default: '2011-09-09' },
    horizon: { type: 'string', default: '90' },
  },
});
const dayOf = (isoDate: string) => Math.floor(Date.parse(`${isoDate.slice(0, 10)}T00:00:00Z`) / 86_400_000);
const asOfDay = dayOf(args['calibration-end']);
const horizon = Number(args.horizon);
const ms = (start: bigint) => `${(Number(process.hrtime.bigint() - start) / 1e6).toFixed(0)} ms`;
const pct = (v: number) => `${(100 * v).toFixed(1)} %`;
const pounds = (minor: number) => `£${(minor / 100).toFixed(2)}`;
const out = (line: string) => process.stdout.write(`${line}\n`);

async function main() {
  let started = process.hrtime.bigint();
  const byCustomer = new Map<string, Purchase[]>();
  for await (const invoice of readInvoices(args.file)) {
    if (invoice.customerId === null || invoice.kind === 'adjustment') continue;
    const amountMinor = invoice.lines.reduce((s, l) => s + (l.unitPriceMinor === null ? 0 : l.quantity * l.unitPriceMinor), 0);
    const purchases = byCustomer.get(invoice.customerId) ?? [];
    purchases.push({ day: dayOf(invoice.invoiceDate), amountMinor });
    byCustomer.set(invoice.customerId, purchases);
  }
  const lastDay = Math.max(...[...byCustomer.values()].flatMap((ps) => ps.map((p) => p.day)));
  out(`read ${byCustomer.size} customers in ${ms(started)}; calibration to ${args['calibration-end']} (day ${asOfDay}), holdout ${horizon} days (file ends day ${lastDay})`);

  // Calibration summaries: members who had bought by the as-of day.
  started = process.hrtime.bigint();
  const members = [...byCustomer.values()]
    .map((purchases) => ({ purchases, summary: summarizeMember(purchases, asOfDay) }))
    .filter((m): m is { purchases: Purchase[]; summary: NonNullable<typeof m.summary> } => m.summary !== null);
  const history = {
    frequency: members.map((m) => m.summary.frequency),
    recency: members.map((m) => m.summary.recency),
    T: members.map((m) => m.summary.T),
    monetary: members.map((m) => m.summary.monetary),
  };
  out(`summaries: ${members.length} members in ${ms(started)}`);

  started = process.hrtime.bigint();
  const bg = fitBgNbd(history);
  out(`BG/NBD (${ms(started)}): ${JSON.stringify(bg)}`);
  started = process.hrtime.bigint();
  const gg = fitGammaGamma(history);
  out(`Gamma-Gamma (${ms(started)}): ${JSON.stringify(gg)}`);
  if (bg.status !== 'fitted' || gg.status !== 'fitted') return;

  started = process.hrtime.bigint();
  const holdout = members.map((m) => visitsBetween(m.purchases, asOfDay, asOfDay + horizon));
  const check = holdoutCheck(bg.params, history, holdout, horizon);
  out(`holdout check (${ms(started)}): expected ${check.expected.toFixed(0)} repeat visits, actual ${check.actual}, error ${pct(check.relativeError ?? 0)}`);
  for (const b of check.byFrequency) out(`  x=${b.frequency.padEnd(3)} members ${String(b.members).padStart(5)}  expected ${b.expectedMean.toFixed(2)}  actual ${b.actualMean.toFixed(2)}`);

  // Churn backtest as of the calibration end: positive = no visit in the next `horizon` days.
  started = process.hrtime.bigint();
  const visitDays = members.map((m) => visitsAsOf(m.purchases, asOfDay).map((v) => v.day));
  const rhythm = merchantRhythm(visitDays.map(gapsOf));
  const alive = members.map((m) => probabilityAlive(bg.params, m.summary.frequency, m.summary.recency, m.summary.T));
  const risks = members.map((_, i) => churnRisk({ visitDays: visitDays[i], asOfDay, probabilityAlive: alive[i], merchant: rhythm })!);
  const gone = holdout.map((h) => h === 0);
  out(`churn backtest (${ms(started)}): merchant rhythm every ${rhythm ? Math.exp(rhythm.logMean).toFixed(1) : '?'} days (σ ${rhythm?.logSd.toFixed(2)}); ${gone.filter(Boolean).length} of ${members.length} did not come back within ${horizon} days`);
  out(`  AUC risk score             ${auc(risks.map((r) => r.score), gone)?.toFixed(3)}`);
  out(`  AUC 1 − P(alive) alone     ${auc(alive.map((a) => 1 - a), gone)?.toFixed(3)}`);
  out(`  AUC rhythm alone           ${auc(risks.map((r) => 1 - (r.stillAwayIfActive ?? 1)), gone)?.toFixed(3)}`);
  out(`  AUC days since last visit  ${auc(members.map((m) => m.summary.daysSinceLast), gone)?.toFixed(3)}`);
  out(`  AUC fewer visits           ${auc(members.map((m) => -m.summary.purchases), gone)?.toFixed(3)}`);
  const noPurchase = members.map((m) => probabilityNoPurchase(bg.params, m.summary.frequency, m.summary.recency, m.summary.T, horizon));
  out(`  AUC model P(no visit in ${horizon} days) ${auc(noPurchase, gone)?.toFixed(3)}`);
  const bands = [0, 25, 50, 75, 101];
  for (let i = 0; i < bands.length - 1; i++) {
    const inBand = risks.map((r, j) => ({ r, j })).filter(({ r }) => r.score >= bands[i] && r.score < bands[i + 1]);
    const left = inBand.filter(({ j }) => gone[j]).length;
    out(`  score ${bands[i]}–${Math.min(100, bands[i + 1] - 1)}: ${inBand.length} members, ${inBand.length ? pct(left / inBand.length) : '–'} did not come back`);
  }
  const example = risks.find((r) => r.reason.rhythm === 'own' && r.score >= 75);
  if (example) out(`  e.g. ${JSON.stringify(example)}`);

  // RFM, ABC and CLV as of the calibration end.
  started = process.hrtime.bigint();
  const rfmInput = members.map((m) => ({ daysSinceLast: m.summary.daysSinceLast, purchases: m.summary.purchases, spendMinor: Math.max(0, m.summary.totalSpendMinor) }));
  const summary = segmentSummary(rfmInput, rfmScores(rfmInput));
  const classes = abcClasses(rfmInput.map((m) => m.spendMinor));
  const clv = members.map((m) => customerLifetimeValue(bg.params, gg.params, m.summary, { periods: 12, discountRate: 0.01, margin: 0.3, periodLength: 30 }).clvMinor);
  out(`RFM, ABC and 12-month CLV (${ms(started)}):`);
  for (const s of summary) out(`  ${s.segment.padEnd(20)} ${String(s.members).padStart(5)} members  ${(s.spendShareBasisPoints / 100).toFixed(1).padStart(5)} % of spend`);
  for (const c of ['A', 'B', 'C'] as const) out(`  ABC ${c}: ${classes.filter((x) => x === c).length} members`);
  const sorted = [...clv].sort((p, q) => p - q);
  const q = (f: number) => pounds(sorted[Math.min(sorted.length - 1, Math.floor(f * sorted.length))]);
  out(`  CLV (30 % margin, 1 %/month): median ${q(0.5)}, p90 ${q(0.9)}, p99 ${q(0.99)}, total ${pounds(clv.reduce((s, v) => s + v, 0))}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
