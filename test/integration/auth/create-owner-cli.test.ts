import request from 'supertest';
import { runCli, type CliRun } from '../../support/processes';
import { describeEachDb } from '../../support/test-runtime';

// The real command in its own process, against the suite's database (a SQLite file or the MySQL test database).
describeEachDb(
  'npm run create-owner',
  (rt) => {
    const run = (args: string[], env: Record<string, string> = {}): Promise<CliRun> =>
      runCli('src/auth/create-owner-cli.ts', args, rt().config.database, { PUBLIC_URL: 'http://shop.test:8080', ...env });

    it('prints a setup link and an equivalent curl command on first run; the token sets Tally up', async () => {
      const out = await run([]);
      expect(out.code).toBe(0);
      const token = /http:\/\/shop\.test:8080\/setup\?token=([A-Za-z0-9_-]+)/.exec(out.stdout)?.[1];
      expect(token).toBeDefined();
      expect(out.stdout).toContain(`curl -X POST http://shop.test:8080/v1/setup`);
      expect(out.stdout).toContain(`"token":"${token}"`);
      await request(rt().app)
        .post('/v1/setup')
        .send({ token, merchant: { name: 'CLI Shop', currency: 'USD', timeZone: 'America/New_York', locale: 'en-US' }, owner: { email: 'first@cli.test', name: 'First', password: 'first owner password' } })
        .expect(201);
    });

    it('adds an owner to an existing merchant with the password from the environment', async () => {
      const listing = await run([]);
      expect(listing.stdout).toContain('already set up');
      const merchantId = /^ {2}(\S+) {2}CLI Shop$/m.exec(listing.stdout)?.[1];
      expect(merchantId).toBeDefined();
      const out = await run(['--merchant-id', merchantId!, '--email', 'Rescue@CLI.test', '--name', 'Rescue'], { TALLY_OWNER_PASSWORD: 'rescue owner password' });
      expect(out.stderr).toBe('');
      expect(out.code).toBe(0);
      const signIn = await request(rt().app).post('/v1/auth/sign-in').send({ email: 'rescue@cli.test', password: 'rescue owner password' }).expect(200);
      expect(signIn.body.user).toMatchObject({ role: 'owner', merchantId });
    });

    it('refuses a short password or an unknown merchant, adding nobody', async () => {
      const count = async () => Number((await rt().db.manager.query('SELECT COUNT(*) AS n FROM staff_users'))[0].n);
      const before = await count();
      const [merchant] = await rt().db.manager.query('SELECT id FROM merchants');
      const short = await run(['--merchant-id', merchant.id, '--email', 'x@cli.test', '--name', 'X'], { TALLY_OWNER_PASSWORD: 'short' });
      expect(short.code).toBe(1);
      expect(short.stderr).toMatch(/Password must be at least 10 characters/);
      const unknown = await run(['--merchant-id', 'no-such-merchant', '--email', 'y@cli.test', '--name', 'Y'], { TALLY_OWNER_PASSWORD: 'long enough password' });
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toMatch(/merchant not found/);
      expect(await count()).toBe(before);
    });
  },
  { sqliteFile: true },
);
