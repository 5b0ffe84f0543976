import request from 'supertest';
import { dayOfDate, dateOfDay } from '../../../src/analytics/scoring';
import type { Purchase } from '../../../src/analytics';

type App = Parameters<typeof request>[0];

/** A seeded generator (mulberry32), so every run imports the same history. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface WorldMember {
  externalId: string;
  purchases: Purchase[];
}

/**
 * A shop's history: members on their own rhythm (every 3 to 30 days), some
 * stopping, some with two receipts on a day and a return; every purchase at
 * noon London time from FIRST_DATE on.
 */
export const FIRST_DATE = '2024-01-01';
export const LAST_DATE = '2024-12-31';

export function makeWorld(members: number, seed = 7): WorldMember[] {
  const random = seeded(seed);
  const first = dayOfDate(FIRST_DATE);
  const last = dayOfDate(LAST_DATE);
  const out: WorldMember[] = [];
  for (let i = 0; i < members; i++) {
    const gap = [3, 7, 14, 30][Math.floor(random() * 4)];
    // Each member has their own usual spend (Gamma-Gamma needs spend to differ between members).
    const usualSpend = 500 + Math.floor(random() * random() * 8000);
    const stopsAfter = random() < 0.4 ? Math.floor(random() * 10) + 1 : 1000;
    const purchases: Purchase[] = [];
    let day = first + Math.floor(random() * 200);
    for (let k = 0; day <= last && k < stopsAfter; k++) {
      const amountMinor = Math.round(usualSpend * (0.5 + random()));
      purchases.push({ day, amountMinor });
      if (random() < 0.05) purchases.push({ day, amountMinor: 300 });
      if (random() < 0.03) purchases.push({ day, amountMinor: -200 });
      day += Math.max(1, Math.round(gap * (0.5 + random())));
    }
    out.push({ externalId: `M-${String(i).padStart(4, '0')}`, purchases });
  }
  return out;
}

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

/** Imports the world through the history import (members, then purchases), as a shop brings its history. */
export async function importWorld(app: App, token: string, storeCode: string, world: WorldMember[]): Promise<void> {
  const members = ['externalId,firstName', ...world.map((m) => `${m.externalId},Member ${m.externalId}`)].join('\n');
  await request(app).post('/v1/imports/members').set(auth(token)).set('Content-Type', 'text/csv').send(members).expect(200);
  const rows = ['Receipt,When,Shop,Customer,Total'];
  let receipt = 0;
  for (const m of world) {
    for (const p of m.purchases) rows.push(`R${receipt++},${dateOfDay(p.day)} 12:00,${storeCode},${m.externalId},${(p.amountMinor / 100).toFixed(2)}`);
  }
  const res = await request(app)
    .post('/v1/imports/purchases')
    .query({ map: ['receiptNumber=Receipt', 'occurredAt=When', 'store=Shop', 'customerId=Customer', 'total=Total'] })
    .set(auth(token))
    .set('Content-Type', 'text/csv')
    .send(rows.join('\n'));
  if (res.status !== 200 || res.body.failed !== 0) throw new Error(`import failed: ${JSON.stringify(res.body).slice(0, 500)}`);
}
