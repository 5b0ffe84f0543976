import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createBridgeServer, listenBridge } from './bridge/http-bridge';
import { DropFolderWatcher } from './bridge/drop-folder';
import { checkCardCode } from './card-code';
import { configPath, DEFAULT_BRIDGE_PORT, loadConfig, saveConfig, type PluginConfig } from './config';
import { TallyApiError, TallyUnavailableError } from './errors';
import { OfflineJournal, type JournalEntry } from './journal';
import { TallyTerminal } from './terminal';

const USAGE = `tally-pos — Tally POS plugin

  tally-pos configure --server URL --key KEY [--journal PATH] [--inbox DIR] [--port N] [--minor-digits N]
  tally-pos status
  tally-pos journal list [--status pending|sent|rejected|discarded] [--limit N]
  tally-pos journal retry <id>      put an entry back in the queue and send it now
  tally-pos journal discard <id>    never send this entry (kept in the file for the record)
  tally-pos scan <code>             check a card number locally, then look it up
  tally-pos bridge [--port N] [--inbox DIR]

  Every command accepts --config PATH (default $TALLY_POS_CONFIG or ~/.config/tally-pos/config.json).
`;

type Out = (line: string) => void;

/** Runs one CLI command; resolves to the exit code (the bridge resolves when it is stopped). */
export async function main(argv: string[], out: Out = (l) => process.stdout.write(`${l}\n`), signal?: AbortSignal): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      server: { type: 'string' },
      key: { type: 'string' },
      journal: { type: 'string' },
      inbox: { type: 'string' },
      port: { type: 'string' },
      'minor-digits': { type: 'string' },
      status: { type: 'string' },
      limit: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...rest] = positionals;
  const file = configPath(values.config);
  try {
    switch (command) {
      case 'configure':
        return configure(file, values, out);
      case 'status':
        return await status(loadConfig(file), out);
      case 'journal':
        return await journalCommand(loadConfig(file), rest, values, out);
      case 'scan':
        return await scan(loadConfig(file), rest[0], out);
      case 'bridge':
        return await bridge(loadConfig(file), values, out, signal);
      default:
        out(USAGE);
        return command === undefined || values.help ? 0 : 2;
    }
  } catch (err) {
    out(`error: ${describe(err)}`);
    return 1;
  }
}

function configure(file: string, values: Record<string, string | boolean | undefined>, out: Out): number {
  const previous = tryLoad(file);
  const serverUrl = (values.server as string | undefined) ?? previous?.serverUrl;
  const apiKey = (values.key as string | undefined) ?? previous?.apiKey;
  if (!serverUrl || !apiKey) {
    out('configure needs --server URL and --key KEY');
    return 2;
  }
  new URL(serverUrl); // throws a readable "Invalid URL" on a typo
  const config: PluginConfig = {
    serverUrl,
    apiKey,
    journalPath: resolve((values.journal as string | undefined) ?? previous?.journalPath ?? resolve(file, '..', 'journal.sqlite')),
    bridge: {
      port: values.port ? intOption(values.port as string, 'port') : (previous?.bridge.port ?? DEFAULT_BRIDGE_PORT),
      inbox: values.inbox ? resolve(values.inbox as string) : (previous?.bridge.inbox ?? null),
      minorDigits: values['minor-digits'] ? intOption(values['minor-digits'] as string, 'minor-digits') : (previous?.bridge.minorDigits ?? 2),
    },
  };
  saveConfig(file, config);
  out(`saved ${file} (mode 600)`);
  out(`server ${config.serverUrl}; journal ${config.journalPath}; bridge port ${config.bridge.port}${config.bridge.inbox ? `; inbox ${config.bridge.inbox}` : ''}`);
  return 0;
}

async function status(config: PluginConfig, out: Out): Promise<number> {
  const journal = OfflineJournal.open(config.journalPath);
  try {
    const terminal = new TallyTerminal({ serverUrl: config.serverUrl, apiKey: config.apiKey, journal });
    let online = true;
    try {
      const info = await terminal.signIn();
      out(`server   ${config.serverUrl}: online, terminal "${info.name}" (${info.id})`);
    } catch (err) {
      online = false;
      out(`server   ${config.serverUrl}: ${describe(err)}`);
    }
    const s = journal.summary(new Date());
    out(`journal  ${config.journalPath}`);
    out(`         ${s.pending} pending${s.oldestPendingAgeMs === null ? '' : ` (oldest ${Math.round(s.oldestPendingAgeMs / 1000)} s)`}, ${s.rejected} rejected, ${s.sent} sent`);
    if (s.lastError) out(`         last error: ${s.lastError}`);
    return online && s.rejected === 0 ? 0 : 1;
  } finally {
    journal.close();
  }
}

async function journalCommand(config: PluginConfig, args: string[], values: Record<string, string | boolean | undefined>, out: Out): Promise<number> {
  const [action, idText] = args;
  const journal = OfflineJournal.open(config.journalPath);
  try {
    if (action === 'list') {
      const wanted = values.status as JournalEntry['status'] | undefined;
      const entries = journal.list({ status: wanted, limit: values.limit ? intOption(values.limit as string, 'limit') : 100 });
      for (const e of entries) {
        out(`${String(e.id).padStart(6)}  ${e.status.padEnd(9)}  ${e.createdAt.toISOString()}  receipt ${e.receiptNumber}  attempts ${e.attempts}${e.lastError ? `  ${e.lastError}` : ''}`);
      }
      if (entries.length === 0) out('(no entries)');
      return 0;
    }
    if (action !== 'retry' && action !== 'discard') {
      out('journal list | retry <id> | discard <id>');
      return 2;
    }
    const id = intOption(idText, 'id');
    if (action === 'discard') {
      journal.discard(id, new Date());
      out(`entry ${id} discarded; it will not be sent`);
      return 0;
    }
    journal.retry(id, new Date());
    const terminal = new TallyTerminal({ serverUrl: config.serverUrl, apiKey: config.apiKey, journal });
    const report = await terminal.replayJournal({ ignoreBackoff: true });
    const entry = journal.get(id) as JournalEntry;
    out(`entry ${id}: ${entry.status}${entry.lastError ? ` (${entry.lastError})` : ''}; this run sent ${report.sent}, rejected ${report.rejected}, ${report.pending} still pending`);
    return entry.status === 'sent' ? 0 : 1;
  } finally {
    journal.close();
  }
}

async function scan(config: PluginConfig, code: string | undefined, out: Out): Promise<number> {
  if (!code) {
    out('scan <code>');
    return 2;
  }
  const check = checkCardCode(code);
  if (!check.ok) {
    out(`invalid: ${check.reason} (the server was not asked)`);
    return 1;
  }
  out(`local check ok (${check.kind === 'ean13' ? 'EAN-13 card number' : 'QR payload'})`);
  const terminal = new TallyTerminal({ serverUrl: config.serverUrl, apiKey: config.apiKey });
  const summary = await terminal.lookupCard(code);
  out(`member   ${summary.member.name} (${summary.member.memberNumber}), ${summary.member.status}`);
  out(`tier     ${summary.tier?.name ?? '—'}`);
  out(`points   ${summary.points.available} available, ${summary.points.pending} pending`);
  return 0;
}

async function bridge(config: PluginConfig, values: Record<string, string | boolean | undefined>, out: Out, signal?: AbortSignal): Promise<number> {
  const journal = OfflineJournal.open(config.journalPath);
  const terminal = new TallyTerminal({ serverUrl: config.serverUrl, apiKey: config.apiKey, journal });
  terminal.startAutoReplay();
  const server = createBridgeServer(terminal);
  const port = await listenBridge(server, values.port ? intOption(values.port as string, 'port') : config.bridge.port);
  out(`bridge listening on http://127.0.0.1:${port}`);
  const inbox = values.inbox ? resolve(values.inbox as string) : config.bridge.inbox;
  const watcher = inbox
    ? new DropFolderWatcher({
        inbox,
        terminal,
        minorDigits: config.bridge.minorDigits,
        onEvent: (e) => out(e.kind === 'done' ? `done     ${e.file}: ${e.receipts.map((r) => `${r.receiptNumber} ${r.status}`).join(', ')}` : `${e.kind.padEnd(8)} ${e.file}: ${e.reason}`),
      })
    : null;
  watcher?.start();
  if (inbox) out(`watching ${inbox} (results in done/ and failed/)`);
  await new Promise<void>((done) => {
    const stop = () => done();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    signal?.addEventListener('abort', stop, { once: true });
  });
  out('stopping');
  await watcher?.stop();
  await terminal.stopAutoReplay();
  await new Promise<void>((done) => server.close(() => done()));
  journal.close();
  return 0;
}

function tryLoad(file: string): PluginConfig | null {
  try {
    return loadConfig(file);
  } catch {
    return null;
  }
}

function intOption(text: string | undefined, name: string): number {
  const n = Number(text);
  if (!text || !Number.isSafeInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer`);
  return n;
}

function describe(err: unknown): string {
  if (err instanceof TallyApiError) return `${err.code}: ${err.message}`;
  if (err instanceof TallyUnavailableError) return `offline — ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}
