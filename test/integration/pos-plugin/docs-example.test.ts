import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { testDialects } from '../../support/test-runtime';
import { tempDir } from './support/fixtures';
import { TallyServer } from './support/tally-server';

const run = promisify(execFile);
const EXAMPLE = join(__dirname, '../../../pos-plugin/examples/checkout.ts');

for (const dialect of testDialects()) {
  describe(`docs/pos-integration.md worked example runs as written [${dialect}]`, () => {
    let server: TallyServer;
    beforeAll(async () => {
      server = await TallyServer.create(dialect);
    }, 120_000);
    afterAll(async () => {
      await server?.destroy();
    }, 60_000);

    it('enrols, scans, evaluates, records and returns through the SDK', async () => {
      const { apiKey } = await server.merchantWithTerminalKey();
      const env = { ...process.env, TALLY_URL: server.url, TALLY_KEY: apiKey, TALLY_JOURNAL: join(tempDir('example'), 'journal.sqlite') };
      const { stdout } = await run(process.execPath, ['--import', 'tsx', EXAMPLE], { env, cwd: join(__dirname, '../../..') });
      expect(stdout).toMatch(/enrolled Ada, member \S+, card \d{13}/);
      expect(stdout).toMatch(/scanned: Ada.*, 0 points available/);
      expect(stdout).toMatch(/total 373, earns \d+ points/);
      expect(stdout).toMatch(/recorded purchase [0-9a-f-]{36}/);
      expect(stdout).toMatch(/returned line 1: refund 119/);
      expect(stdout).toMatch(/journal: \{"pending":0/);
    });
  });
}
