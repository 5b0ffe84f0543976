import { join } from 'node:path';
import { OfflineJournal } from '../../../pos-plugin/src/journal';
import { TallyTerminal, type CommitOutcome } from '../../../pos-plugin/src/terminal';
import { testDialects } from '../../support/test-runtime';
import { basket, tempDir, uniquePhone } from './support/fixtures';
import { TallyServer } from './support/tally-server';

const BURST = 200;

for (const dialect of testDialects()) {
  describe(`pos-plugin: server stopped in the middle of a burst [${dialect}]`, () => {
    let server: TallyServer;
    let journal: OfflineJournal;

    beforeAll(async () => {
      server = await TallyServer.create(dialect);
    }, 120_000);
    afterAll(async () => {
      journal?.close();
      await server?.destroy();
    }, 60_000);

    it(`records each of ${BURST} purchases exactly once and the ledger reconciles`, async () => {
      const fx = await server.merchantWithTerminalKey();
      journal = OfflineJournal.open(join(tempDir('chaos'), 'journal.sqlite'));
      const till = new TallyTerminal({ serverUrl: server.url, apiKey: fx.apiKey, journal, timeoutMs: 1500 });
      const members = [];
      for (let i = 0; i < 5; i++) members.push((await till.enrolMember({ firstName: `Member${i}`, phone: uniquePhone(), consents: {} })).member.id);
      till.startAutoReplay(100);

      const outcomes: CommitOutcome[] = [];
      let stopping: Promise<void> | null = null;
      for (let i = 0; i < BURST; i++) {
        // Stopped while a sale is in flight (not awaited), so some answers are cut after the commit.
        if (i === 60) stopping = server.stop();
        if (i === 140) {
          await stopping;
          await server.start();
        }
        const memberId = i % 4 === 3 ? undefined : members[i % members.length];
        outcomes.push(await till.commitPurchase(basket(`B-${i}`, memberId ? { memberId } : {})));
      }
      const queued = outcomes.filter((o) => o.status === 'queued').length;
      expect(queued).toBeGreaterThanOrEqual(80);

      // Drain: the background replay keeps going; wait until the journal is empty.
      const deadline = Date.now() + 60_000;
      while ((till.journalStatus()?.pending ?? 0) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      await till.stopAutoReplay();
      expect(till.journalStatus()).toMatchObject({ pending: 0, rejected: 0 });

      const rows: { receipt_number: string; n: number | string }[] = await server.runtime.db.manager.query(
        'SELECT receipt_number, COUNT(*) AS n FROM purchases WHERE merchant_id = ? AND terminal_id = ? GROUP BY receipt_number',
        [fx.merchant.id, fx.terminal.id],
      );
      expect(rows).toHaveLength(BURST);
      expect(rows.every((r) => Number(r.n) === 1)).toBe(true);
      expect(new Set(rows.map((r) => r.receipt_number))).toEqual(new Set(Array.from({ length: BURST }, (_, i) => `B-${i}`)));
      expect(await server.runtime.services.pointsReconciliation.reconcile(fx.merchant.id)).toEqual([]);

      // Every member's points equal what their recorded purchases earned.
      const earned: { member_id: string; points: number | string }[] = await server.runtime.db.manager.query(
        'SELECT member_id, SUM(points_earned) AS points FROM purchases WHERE merchant_id = ? AND member_id IS NOT NULL GROUP BY member_id',
        [fx.merchant.id],
      );
      expect(earned).toHaveLength(members.length);
      for (const row of earned) {
        const summary = await server.runtime.services.points.summary(fx.merchant.id, row.member_id, new Date());
        expect(summary.available + summary.pending).toBe(Number(row.points));
        expect(Number(row.points)).toBeGreaterThan(0);
      }
    }, 120_000);
  });
}
