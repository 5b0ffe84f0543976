import request from 'supertest';
import { runCli, type CliRun } from '../../support/processes';
import { describeEachDb } from '../../support/test-runtime';

// The real command in its own process, against the suite's database (a SQLite file or the MySQL test database).
describeEachDb(
  'npm run create-operator',
  (rt) => {
    const run = (args: string[], env: Record<string, string>): Promise<CliRun> =>
      runCli('src/operators/create-operator-cli.ts', args, rt().config.database, { PUBLIC_URL: 'http://ops.test', ...env });

    it('adds an operator who can sign in, and refuses a short password or a taken email', async () => {
      const out = await run(['--email', 'Ops@CLI.test', '--name', 'Ops'], { TALLY_OPERATOR_PASSWORD: 'operator password' });
      expect(out.stderr).toBe('');
      expect(out.stdout).toContain('Operator ops@cli.test created. Sign in at http://ops.test/operator');
      await request(rt().app).post('/v1/operator/sign-in').send({ email: 'ops@cli.test', password: 'operator password' }).expect(200);
      const short = await run(['--email', 'x@cli.test', '--name', 'X'], { TALLY_OPERATOR_PASSWORD: 'short' });
      expect(short.code).toBe(1);
      expect(short.stderr).toMatch(/Password must be at least 10 characters/);
      const taken = await run(['--email', 'ops@cli.test', '--name', 'Again'], { TALLY_OPERATOR_PASSWORD: 'operator password' });
      expect(taken.code).toBe(1);
      expect(taken.stderr).toMatch(/already exists/);
    }, 120_000);
  },
  { sqliteFile: true },
);
