import fc from 'fast-check';
import { languageOf, thankYouMessage } from '../../../src/feedback/messages';
import { bandOf, caseReason, headline, inRange } from '../../../src/feedback/scores';
import { feedbackTokenOf, feedbackUrlOf, purchaseOfToken } from '../../../src/feedback/token';
import { WordTally, wordsOf } from '../../../src/feedback/words';

describe('bands and headline figures', () => {
  it.each([
    ['nps', 0, 'detractor'],
    ['nps', 6, 'detractor'],
    ['nps', 7, 'passive'],
    ['nps', 8, 'passive'],
    ['nps', 9, 'promoter'],
    ['nps', 10, 'promoter'],
    ['csat', 1, 'detractor'],
    ['csat', 2, 'detractor'],
    ['csat', 3, 'passive'],
    ['csat', 4, 'promoter'],
    ['csat', 5, 'promoter'],
  ] as const)('%s %i is a %s', (scale, score, band) => {
    expect(bandOf(scale, score)).toBe(band);
  });

  it.each([
    ['nps', -1, false],
    ['nps', 11, false],
    ['nps', 5.5, false],
    ['csat', 0, false],
    ['csat', 6, false],
    ['csat', 3, true],
  ] as const)('%s score %d in range: %s', (scale, score, ok) => {
    expect(inRange(scale, score)).toBe(ok);
  });

  it('computes NPS and CSAT', () => {
    expect(headline('nps', { promoters: 5, passives: 3, detractors: 2 })).toBe(30);
    expect(headline('nps', { promoters: 0, passives: 0, detractors: 3 })).toBe(-100);
    expect(headline('csat', { promoters: 2, passives: 1, detractors: 0 })).toBe(66.7);
    expect(headline('nps', { promoters: 0, passives: 0, detractors: 0 })).toBeNull();
  });

  it('keeps NPS within -100..100 and CSAT within 0..100', () => {
    fc.assert(
      fc.property(fc.nat(1000), fc.nat(1000), fc.nat(1000), (promoters, passives, detractors) => {
        const c = { promoters, passives, detractors };
        const nps = headline('nps', c);
        const csat = headline('csat', c);
        if (promoters + passives + detractors === 0) return nps === null && csat === null;
        return nps !== null && nps >= -100 && nps <= 100 && csat !== null && csat >= 0 && csat <= 100;
      }),
    );
  });

  it('opens a case for a detractor or a complaint only', () => {
    expect(caseReason('detractor', false)).toBe('detractor');
    expect(caseReason('promoter', true)).toBe('complaint');
    expect(caseReason('passive', false)).toBeNull();
  });
});

describe('receipt tokens', () => {
  const secret = 'unit-secret-unit-secret-unit-secret-1';
  const id = '0190f3a2-7b1c-7d4e-8f00-123456789abc';

  it('round-trips a purchase id and refuses any change', () => {
    const token = feedbackTokenOf(secret, id);
    expect(token).toMatch(/^[A-Za-z0-9_-]{38}$/);
    expect(purchaseOfToken(secret, token)).toBe(id);
    expect(purchaseOfToken('another-secret-another-secret-12345', token)).toBeNull();
    expect(feedbackUrlOf('https://shop.example/', secret, id)).toBe(`https://shop.example/f/${token}`);
  });

  it('refuses every single-character change of a token', () => {
    const token = feedbackTokenOf(secret, id);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    fc.assert(
      fc.property(fc.nat(token.length - 1), fc.constantFrom(...alphabet), (i, ch) => {
        const changed = token.slice(0, i) + ch + token.slice(i + 1);
        return changed === token || purchaseOfToken(secret, changed) === null;
      }),
    );
    expect(purchaseOfToken(secret, `${token}A`)).toBeNull();
    expect(purchaseOfToken(secret, '')).toBeNull();
  });
});

describe('languages of the automatic answers', () => {
  it('takes the first tag we write, else English', () => {
    expect(languageOf(undefined, 'th-TH', 'en')).toBe('th');
    expect(languageOf('zh-Hant', 'ru')).toBe('zh');
    expect(languageOf('de', null, 'fr-FR')).toBe('en');
  });

  it('says that someone will write back when a case opened', () => {
    expect(thankYouMessage('en', 'Corner', 'detractor', true).body).toContain('write back');
    expect(thankYouMessage('en', 'Corner', 'promoter', false).body).not.toContain('write back');
  });
});

describe('words of comments', () => {
  it.each([
    ['en', 'The queue was SO long, and the milk was sour!', ['queue', 'long', 'milk', 'sour']],
    ['ru', 'Очень долгая очередь и кислое молоко', ['долгая', 'очередь', 'кислое', 'молоко']],
    ['th', 'พนักงานไม่สุภาพ รอคิวนานมาก', ['พนักงาน', 'สุภาพ', 'รอ', 'คิว', 'นาน']],
    ['zh', '收银员态度很差，排队太久了', ['态度', '差', '排队']],
  ])('splits %s into words', (language, text, expected) => {
    expect(wordsOf(text, language)).toEqual(expect.arrayContaining(expected));
    expect(wordsOf(text, language)).not.toContain('the');
  });

  it('counts a word once per comment and ranks by comments', () => {
    const tally = new WordTally();
    tally.add('detractor', 'queue queue queue', 'en');
    tally.add('detractor', 'long queue', 'en');
    tally.add('detractor', 'sour milk', 'en');
    tally.add('promoter', 'friendly staff', 'en');
    expect(tally.top('detractor', 2)).toEqual({ comments: 3, words: [{ word: 'queue', comments: 2 }, { word: 'long', comments: 1 }] });
    expect(tally.top('passive', 5)).toEqual({ comments: 0, words: [] });
  });
});
