import { completenessOf } from '../../../src/members/completeness';
import { normalizeEmail, normalizePhone, phoneRegionOf } from '../../../src/members/phone';

describe('phone region and normalisation', () => {
  it.each([
    [{ locale: 'en', currency: 'USD', settings: { phoneRegion: 'th' } }, 'TH'],
    [{ locale: 'th-TH', currency: 'USD', settings: null }, 'TH'],
    [{ locale: 'zh-Hant-TW', currency: 'USD', settings: null }, 'TW'],
    [{ locale: 'th', currency: 'THB', settings: null }, 'TH'],
    [{ locale: 'en', currency: 'GBP', settings: null }, 'GB'],
    [{ locale: 'de', currency: 'EUR', settings: null }, undefined],
    [{ locale: 'fr', currency: 'XOF', settings: null }, undefined],
  ])('region of %j is %s', (merchant, region) => {
    expect(phoneRegionOf(merchant)).toBe(region);
  });

  it.each([
    ['+66 81 234 5678', 'TH', '+66812345678'],
    ['0812345678', 'TH', '+66812345678'],
    ['081-234-5678', 'TH', '+66812345678'],
    ['0812345678', undefined, null],
    ['+44 20 7946 0958', 'TH', '+442079460958'],
    ['12', 'TH', null],
    ['not a phone', 'TH', null],
  ] as const)('%s in %s → %s', (raw, region, expected) => {
    expect(normalizePhone(raw, region)).toBe(expected);
  });

  it('lower-cases and trims emails', () => {
    expect(normalizeEmail('  Ann.Lee@Example.TEST ')).toBe('ann.lee@example.test');
  });
});

describe('profile completeness', () => {
  const empty = { lastName: null, phone: null, email: null, birthDate: null };
  it.each([
    [empty, [], 10, ['phone', 'email', 'birthDate', 'consents', 'lastName']],
    [{ ...empty, phone: '+66812345678' }, [], 30, ['email', 'birthDate', 'consents', 'lastName']],
    [{ ...empty, phone: '+66812345678' }, ['marketing_email', 'marketing_sms'], 30, ['email', 'birthDate', 'consents', 'lastName']],
    [{ lastName: 'Lee', phone: '+66812345678', email: 'a@b.test', birthDate: '1990-01-02' }, ['marketing_email', 'marketing_sms', 'profiling'], 100, []],
  ] as const)('%j with consents %j scores %i', (member, consents, score, missing) => {
    expect(completenessOf(member, consents)).toEqual({ score, missing });
  });
});
