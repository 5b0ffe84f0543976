import { relayBackoffMs } from '../../../src/jobs/outbox-relay';

describe('relayBackoffMs', () => {
  it('doubles from one second and stops at five minutes', () => {
    expect([1, 2, 3, 4, 5].map(relayBackoffMs)).toEqual([1000, 2000, 4000, 8000, 16000]);
    expect(relayBackoffMs(9)).toBe(256_000);
    expect(relayBackoffMs(10)).toBe(300_000);
    expect(relayBackoffMs(1000)).toBe(300_000);
  });
});
