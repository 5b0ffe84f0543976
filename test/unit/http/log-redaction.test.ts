import { redactUrl } from '../../../src/logger';

describe('request URLs in logs (issue 15, finding 11)', () => {
  it.each([
    ['/v1/pos/cards/2701234567892', '/v1/pos/cards/[redacted]'],
    ['/v1/pos/members?phone=%2B4915112345678', '/v1/pos/members?phone=[redacted]'],
    ['/v1/pos/members?number=88226261', '/v1/pos/members?number=[redacted]'],
    ['/v1/members?q=ana%40example.test&limit=20', '/v1/members?q=[redacted]&limit=20'],
    ['/v1/members/0190abcd', '/v1/members/0190abcd'],
  ])('logs %s as %s', (url, logged) => {
    expect(redactUrl(url)).toBe(logged);
  });
});
