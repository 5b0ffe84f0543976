import { Writable } from 'node:stream';
import request from 'supertest';
import { createApp } from '../../../src/app';
import { createLogger } from '../../../src/logger';
import { createMerchantFixture } from '../../support/factories';
import { describeEachDb } from '../../support/test-runtime';

/** Issue 15, finding 11: card and phone numbers travel in URLs and landed in the request log. */
describeEachDb('request logs keep card numbers and phones out', (rt) => {
  it('logs the till lookups without the scanned number, the phone or the member number', async () => {
    const a = await createMerchantFixture(rt());
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    // The production logger and its redaction, written to a buffer.
    const app = createApp({ ...rt(), log: createLogger('info', 'tally', sink) });
    const enrolled = await request(app).post('/v1/pos/members').set('Authorization', `Bearer ${a.tokens.terminal}`).send({ firstName: 'Logged', phone: '+447911123456' }).expect(201);
    const card: string = enrolled.body.card.number;
    const number: string = enrolled.body.member.memberNumber;
    await request(app).get(`/v1/pos/cards/${card}`).set('Authorization', `Bearer ${a.tokens.terminal}`).expect(200);
    await request(app).get('/v1/pos/members').query({ phone: '+447911123456' }).set('Authorization', `Bearer ${a.tokens.terminal}`).expect(200);
    await request(app).get('/v1/pos/members').query({ number }).set('Authorization', `Bearer ${a.tokens.terminal}`).expect(200);
    await request(app).get('/v1/members').query({ q: '7911123456' }).set('Authorization', `Bearer ${a.tokens.manager}`).expect(200);
    const logged = lines.join('\n');
    expect(logged).toContain('/v1/pos/cards/[redacted]');
    for (const secret of [card, '7911123456', number]) expect(logged).not.toContain(secret);
  });
});
