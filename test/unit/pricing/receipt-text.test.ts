import { progressAfter, receiptText, type ReceiptFacts } from '../../../src/pricing/receipt-text';

const base: ReceiptFacts = {
  locale: 'en',
  currency: 'USD',
  timeZone: 'Asia/Bangkok',
  pointsEarned: 12,
  pendingUntil: null,
  pointsRedeemed: 0,
  redeemValueMinor: 0,
  balance: 112,
  nextTier: null,
  expiringSoon: null,
};

describe('receipt text', () => {
  it('prints points, balance, tier progress and expiry in the merchant calendar', () => {
    expect(
      receiptText({
        ...base,
        pointsRedeemed: 500,
        redeemValueMinor: 500,
        nextTier: { name: 'Gold', remaining: 4550, unit: 'spend_minor' },
        // 20:00 UTC on the 31st is already 1 January in Bangkok.
        expiringSoon: { points: 40, expiresAt: new Date('2026-12-31T20:00:00Z') },
      }),
    ).toEqual(['Points redeemed: 500 ($5.00)', 'Points earned: 12', 'Points balance: 112', '$45.50 to Gold', '40 points expire on 2027-01-01']);
  });

  it('explains every applied offer in one line, before the points, also for an anonymous sale', () => {
    const offerLines = ['3 for 5.00 Yoghurt −1.00', 'Spend 50 today: coupon 5.00 off 2026-03-11 to 2026-03-17'];
    expect(receiptText({ ...base, offerLines }).slice(0, 3)).toEqual([...offerLines, 'Points earned: 12']);
    expect(receiptText({ ...base, balance: null, offerLines })).toEqual(offerLines);
  });

  it('says when earned points become spendable, and nothing for an anonymous sale', () => {
    expect(receiptText({ ...base, pendingUntil: new Date('2026-12-01T00:00:00Z') })[0]).toBe('Points earned: 12, spendable from 2026-12-01');
    expect(receiptText({ ...base, balance: null })).toEqual([]);
  });

  it('uses the currency minor unit (yen has none)', () => {
    expect(receiptText({ ...base, currency: 'JPY', pointsRedeemed: 100, redeemValueMinor: 100 })[0]).toBe('Points redeemed: 100 (¥100)');
  });

  it('counts the sale towards the next tier and announces reaching it', () => {
    const gold = { code: 'gold', name: 'Gold', remaining: 1000, unit: 'spend_minor' as const };
    expect(progressAfter(gold, 400, 4)).toEqual({ nextTier: { ...gold, remaining: 600 }, tierReached: null });
    expect(progressAfter(gold, 1000, 10)).toEqual({ nextTier: null, tierReached: 'Gold' });
    expect(progressAfter({ ...gold, unit: 'points', remaining: 50 }, 100_000, 49).nextTier?.remaining).toBe(1);
    expect(progressAfter(null, 1, 1)).toEqual({ nextTier: null, tierReached: null });
  });
});
