import request from 'supertest';
import { createMerchantFixture, tokenFor } from '../../support/factories';
import { describeEachDb } from '../../support/test-runtime';

describeEachDb('member access tokens', (rt) => {
  it('stop working as soon as the member is closed', async () => {
    const a = await createMerchantFixture(rt());
    const enrolled = await request(rt().app)
      .post('/v1/pos/members')
      .set('Authorization', `Bearer ${a.tokens.terminal}`)
      .send({ firstName: 'Ana', email: `ana-${Date.now()}@example.test`, consents: {} })
      .expect(201);
    const memberId: string = enrolled.body.member.id;
    const token = tokenFor(rt(), { kind: 'member', merchantId: a.merchant.id, memberId });
    await request(rt().app).get('/v1/me').set('Authorization', `Bearer ${token}`).expect(200);

    await request(rt().app).post(`/v1/members/${memberId}/status`).set('Authorization', `Bearer ${a.tokens.manager}`).send({ status: 'closed', reason: 'asked to leave' }).expect(200);

    const after = await request(rt().app).get('/v1/me').set('Authorization', `Bearer ${token}`).expect(401);
    expect(after.body.error.code).toBe('INVALID_TOKEN');
  });

  it('are refused for a member of another merchant', async () => {
    const a = await createMerchantFixture(rt());
    const b = await createMerchantFixture(rt());
    const enrolled = await request(rt().app)
      .post('/v1/pos/members')
      .set('Authorization', `Bearer ${a.tokens.terminal}`)
      .send({ firstName: 'Bo', email: `bo-${Date.now()}@example.test`, consents: {} })
      .expect(201);
    // A token claiming merchant B for A's member (as if B's secret were shared) finds no such member.
    const forged = tokenFor(rt(), { kind: 'member', merchantId: b.merchant.id, memberId: enrolled.body.member.id });
    await request(rt().app).get('/v1/me').set('Authorization', `Bearer ${forged}`).expect(401);
  });
});
