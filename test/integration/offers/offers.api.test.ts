import type { Server } from 'node:http';
import request from 'supertest';
import { createMerchantFixture, type MerchantFixture } from '../../support/factories';
import { describeEachDb } from '../../support/test-runtime';
import { closeServer, listen } from '../pos/till-helpers';

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

export const yoghurtThreeForFive = {
  name: '3 for 5.00 Yoghurt',
  priority: 10,
  mechanic: { kind: 'multi_buy', target: { skus: ['YOG'] }, quantity: 3, priceMinor: 500 },
};

/** The back office's offers API: validation by the engine, statuses, roles and tenancy. */
describeEachDb('offers API', (rt) => {
  let server: Server;
  let a: MerchantFixture;
  let b: MerchantFixture;
  beforeAll(async () => {
    server = await listen(rt());
    a = await createMerchantFixture(rt());
    b = await createMerchantFixture(rt());
  });
  afterAll(() => closeServer(server));

  it('creates a draft, lists it by status, changes it, and activates, pauses and ends it', async () => {
    const created = await request(server).post('/v1/offers').set(bearer(a.tokens.manager)).send(yoghurtThreeForFive).expect(201);
    expect(created.body).toMatchObject({ name: '3 for 5.00 Yoghurt', status: 'draft', priority: 10, stacking: { class: 'combinable' }, trigger: 'automatic', uses: 0 });
    const id = created.body.id as string;
    expect((await request(server).get('/v1/offers?status=draft').set(bearer(a.tokens.owner)).expect(200)).body.items.map((o: { id: string }) => o.id)).toContain(id);
    expect((await request(server).get('/v1/offers?status=active').set(bearer(a.tokens.owner)).expect(200)).body.items.map((o: { id: string }) => o.id)).not.toContain(id);

    const changed = await request(server)
      .patch(`/v1/offers/${id}`)
      .set(bearer(a.tokens.owner))
      .send({ priority: 20, limits: { maxUses: 100, perMember: { uses: 1, period: 'day' }, budgetMinor: 10_000 } })
      .expect(200);
    expect(changed.body).toMatchObject({ priority: 20, limits: { maxUses: 100, perMember: { uses: 1, period: 'day' }, budgetMinor: 10_000 } });

    expect((await request(server).post(`/v1/offers/${id}/activate`).set(bearer(a.tokens.owner)).expect(200)).body.status).toBe('active');
    const busy = await request(server).patch(`/v1/offers/${id}`).set(bearer(a.tokens.owner)).send({ priority: 1 }).expect(409);
    expect(busy.body.error.code).toBe('OFFER_STATUS_CONFLICT');
    expect((await request(server).post(`/v1/offers/${id}/pause`).set(bearer(a.tokens.owner)).expect(200)).body.status).toBe('paused');
    expect((await request(server).post(`/v1/offers/${id}/end`).set(bearer(a.tokens.owner)).expect(200)).body).toMatchObject({ status: 'ended', endedAt: expect.any(String) });
    expect((await request(server).post(`/v1/offers/${id}/activate`).set(bearer(a.tokens.owner)).expect(409)).body.error.code).toBe('OFFER_STATUS_CONFLICT');
    expect((await request(server).get(`/v1/offers/${id}`).set(bearer(a.tokens.owner)).expect(200)).body.status).toBe('ended');
  });

  it.each([
    ['an unknown mechanic', { ...yoghurtThreeForFive, mechanic: { kind: 'free_money' } }, 'body.mechanic.kind'],
    ['a percent over 100', { ...yoghurtThreeForFive, mechanic: { kind: 'percent_off', percent: 150 } }, 'body.mechanic.percent'],
    ['an unknown field', { ...yoghurtThreeForFive, colour: 'red' }, 'body'],
    ['a name too long', { ...yoghurtThreeForFive, name: 'x'.repeat(201) }, 'body.name'],
    ['a schedule ending before it starts', { ...yoghurtThreeForFive, conditions: { schedule: { startsOn: '2026-05-02', endsOn: '2026-05-01', recurrence: null } } }, 'body.conditions.schedule.endsOn'],
    ['a bad RRULE', { ...yoghurtThreeForFive, conditions: { schedule: { startsOn: '2026-05-01', endsOn: null, recurrence: { rrule: 'FREQ=HOURLY', startTime: '10:00', durationMinutes: 60 } } } }, 'body.conditions.schedule.recurrence'],
  ])('refuses %s with a 400 naming the field', async (_what, body, path) => {
    const res = await request(server).post('/v1/offers').set(bearer(a.tokens.owner)).send(body).expect(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details.map((d: { path: string }) => d.path).some((p: string) => p.startsWith(path))).toBe(true);
  });

  it('is for owners and managers only', async () => {
    await request(server).post('/v1/offers').set(bearer(a.tokens.cashier)).send(yoghurtThreeForFive).expect(403);
    await request(server).get('/v1/offers').set(bearer(a.tokens.terminal)).expect(403);
  });

  it("never shows or changes another merchant's offer", async () => {
    const theirs = (await request(server).post('/v1/offers').set(bearer(b.tokens.owner)).send(yoghurtThreeForFive).expect(201)).body.id as string;
    await request(server).get(`/v1/offers/${theirs}`).set(bearer(a.tokens.owner)).expect(404);
    await request(server).patch(`/v1/offers/${theirs}`).set(bearer(a.tokens.owner)).send({ priority: 1 }).expect(404);
    await request(server).post(`/v1/offers/${theirs}/activate`).set(bearer(a.tokens.owner)).expect(404);
    await request(server).get(`/v1/offers/${theirs}/report`).set(bearer(a.tokens.owner)).expect(404);
    const mine = (await request(server).get('/v1/offers').set(bearer(a.tokens.owner)).expect(200)).body.items.map((o: { id: string }) => o.id);
    expect(mine).not.toContain(theirs);
    expect((await request(server).get(`/v1/offers/${theirs}`).set(bearer(b.tokens.owner)).expect(200)).body.status).toBe('draft');
  });
});
