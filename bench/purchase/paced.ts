import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { basket } from './basket';
import type { Seeded } from './seed';
import { summarise, type Summary } from './stats';

/**
 * Purchases at a steady `rate` per second, evenly spaced (an open load, as
 * tills with cashiers in front of them produce), on up to `connections`
 * keep-alive sockets. Unlike autocannon's rate limit, which sends each
 * second's requests in one burst, this measures the latency of a sale when
 * the server is not queueing a burst.
 */
export async function pacedPurchases(seeded: Seeded, rate: number, seconds: number, connections: number): Promise<Summary> {
  const url = new URL(seeded.base);
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const runId = randomBytes(3).toString('hex');
  const samples: number[] = [];
  let errors = 0;
  const inFlight = new Set<Promise<void>>();
  const started = Date.now();
  for (let n = 0; ; n++) {
    const due = started + (n * 1000) / rate;
    if (due >= started + seconds * 1000) break;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const till = seeded.tills[n % seeded.tills.length];
    const body = JSON.stringify({ cardCode: seeded.cards[n % seeded.cards.length], receiptNumber: `P${runId}-${n}`, occurredAt: new Date().toISOString(), lines: basket(n) });
    const sent = performance.now();
    const done = new Promise<void>((resolve) => {
      const req = request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          method: 'POST',
          path: '/v1/pos/purchases',
          headers: { authorization: `Bearer ${till.token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'idempotency-key': `paced-${runId}-${n}` },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode && res.statusCode >= 200 && res.statusCode < 300) samples.push(performance.now() - sent);
            else errors++;
            resolve();
          });
        },
      );
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end(body);
    });
    inFlight.add(done);
    void done.then(() => inFlight.delete(done));
  }
  await Promise.all(inFlight);
  agent.destroy();
  return summarise(samples, errors, (Date.now() - started) / 1000);
}
