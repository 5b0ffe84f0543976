/**
 * The worked example of docs/pos-integration.md: one checkout at a till.
 *
 *   TALLY_URL=http://localhost:3000 TALLY_KEY=tly_… npx tsx pos-plugin/examples/checkout.ts
 */
import { OfflineJournal, OfflineRedemptionError, TallyApiError, TallyTerminal } from '@tally/pos-plugin';

async function checkout(): Promise<void> {
  const say = (line: string) => process.stdout.write(`${line}\n`);
  // 1. One terminal object per till, with a journal file for offline sales.
  const journal = OfflineJournal.open(process.env.TALLY_JOURNAL ?? './tally-journal.sqlite');
  const [serverUrl, apiKey] = [process.env.TALLY_URL, process.env.TALLY_KEY];
  if (!serverUrl || !apiKey) throw new Error('set TALLY_URL and TALLY_KEY');
  const till = new TallyTerminal({ serverUrl, apiKey, journal });
  till.startAutoReplay(); // sends journalled sales in the background once the server answers again

  // 2. A new shopper joins at the till and gets a digital card.
  const { member, card } = await till.enrolMember({ firstName: 'Ada', email: `ada.${Date.now()}@example.com`, consents: { marketingEmail: true } });
  say(`enrolled ${member.firstName}, member ${member.memberNumber}, card ${card.number}`);

  // 3. The card is scanned: name, tier and points for the cashier's screen.
  const shopper = await till.lookupCard(card.number);
  say(`scanned: ${shopper.member.name}, ${shopper.points.available} points available`);

  // 4. Price the basket: points to earn and the lines for the receipt (nothing is written yet).
  const lines = [
    { sku: '4006381333931', category: 'dairy', description: 'Milk 1 L', quantity: 2000, unitPriceMinor: 119 },
    { sku: 'apples-kg', category: 'fruit', description: 'Apples', quantity: 452, unitPriceMinor: 299 },
  ];
  const priced = await till.evaluateBasket({ cardCode: card.number, lines });
  say(`total ${priced.totalMinor}, earns ${priced.pointsToEarn} points`);

  // 5. Payment taken: record the sale. Offline, it goes to the journal and the cashier carries on.
  try {
    const sale = await till.commitPurchase({ receiptNumber: `R-${Date.now()}`, cardCode: card.number, lines });
    if (sale.status === 'recorded') {
      say(`recorded purchase ${sale.receipt.purchase.id}; balance ${sale.receipt.balance?.available} available, ${sale.receipt.balance?.pending} pending`);
      // 6. The milk comes back: return one of the two (quantities in thousandths).
      const ret = await till.returnPurchase(sale.receipt.purchase.id, { lines: [{ lineNo: 1, quantity: 1000 }] });
      say(`returned line 1: refund ${ret.refundMinor}, ${ret.pointsReversed} points taken back`);
    } else {
      say(`server unreachable: sale saved offline as journal entry ${sale.journalId}`);
    }
  } catch (err) {
    if (err instanceof OfflineRedemptionError) say(err.message); // only when paying with points offline
    else if (err instanceof TallyApiError) say(`refused: ${err.code} ${err.message}`);
    else throw err;
  }

  // 7. What the POS screen shows about the journal.
  say(`journal: ${JSON.stringify(till.journalStatus())}`);
  await till.stopAutoReplay();
  journal.close();
}

checkout().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
