/**
 * A POS process for the crash test, run with tsx and killed with SIGKILL.
 *   write  <journal> <prefix>                 journals up to 1000 sales, printing "ack <n>" once each is on disk
 *   replay <journal> <serverUrl> <apiKey>     replays the journal to the server
 */
import { OfflineJournal } from '../../../../pos-plugin/src/journal';
import { TallyTerminal } from '../../../../pos-plugin/src/terminal';

async function main(): Promise<void> {
  const [mode, file, a, b] = process.argv.slice(2);
  const journal = OfflineJournal.open(file);
  if (mode === 'write') {
    for (let n = 0; n < 1000; n++) {
      const occurredAt = new Date().toISOString();
      journal.append({
        idempotencyKey: `crash-${a}-${n}`,
        body: { receiptNumber: `${a}-${n}`, occurredAt, lines: [{ sku: 'bread', quantity: 1000, unitPriceMinor: 250 + (n % 7) }] },
        now: new Date(),
      });
      process.stdout.write(`ack ${n}\n`);
      // Yield so the parent can read the acks and kill us mid-stream.
      await new Promise((r) => setImmediate(r));
    }
    // Reaching the end means the kill came too late; the parent's test fails on it.
    process.stdout.write('finished\n');
  }
  if (mode === 'replay') {
    const till = new TallyTerminal({ serverUrl: a, apiKey: b, journal, timeoutMs: 2000 });
    process.stdout.write('replaying\n');
    await till.replayJournal({ ignoreBackoff: true });
    process.stdout.write('replayed\n');
  }
}

void main();
