import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Database } from '../../src/config';

/** A child process a test started, with its output kept for failure messages. */
export interface Proc {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/**
 * Starts a command in its own process group, so stop() reaches what it
 * starts in turn (`npm run x` runs a shell that runs node).
 */
export function startProcess(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Proc {
  const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return { child, output: () => output, exited };
}

/** Sends a signal to the process group of a process started with startProcess. */
export function signalProcess(proc: Proc, signal: NodeJS.Signals): void {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null || !proc.child.pid) return;
  try {
    process.kill(-proc.child.pid, signal);
  } catch {
    // already gone
  }
}

/** SIGTERM, then the exit code within 10 s ('timeout' and SIGKILL if it did not stop). */
export async function stopProcess(proc: Proc): Promise<number | null | 'timeout'> {
  if (proc.child.exitCode !== null) return proc.child.exitCode;
  signalProcess(proc, 'SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((done) => (timer = setTimeout(() => done('timeout'), 10_000)));
  const result = await Promise.race([proc.exited, timeout]);
  clearTimeout(timer);
  if (result === 'timeout') signalProcess(proc, 'SIGKILL');
  return result;
}

/** Waits for `until`, failing at once (with the process's output) if the process exits or `until` fails. */
export async function whileRunning<T>(proc: Proc, until: Promise<T>): Promise<T> {
  const died = proc.exited.then((code): never => {
    throw new Error(`process exited with ${code}`);
  });
  died.catch(() => undefined); // once `until` has won, the later (expected) exit is no failure
  try {
    return await Promise.race([until, died]);
  } catch (err) {
    throw new Error(`${String(err)}\n--- process output ---\n${proc.output()}`);
  }
}

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** What a finished command printed and how it exited. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

const ROOT = resolve(__dirname, '../..');

/**
 * Runs one of Tally's CLIs (a TypeScript entry under src/) in its own process
 * against a test database, as `npm run <cli>` would, with a private data folder.
 */
export function runCli(script: string, args: string[], database: Database, env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((done) => {
    execFile(
      join(ROOT, 'node_modules/.bin/tsx'),
      [script, ...args],
      {
        cwd: ROOT,
        timeout: 60_000,
        env: {
          PATH: process.env.PATH,
          NODE_ENV: 'test',
          LOG_LEVEL: 'silent',
          DATA_DIR: mkdtempSync(join(tmpdir(), 'tally-cli-')),
          DATABASE_URL: database.kind === 'mysql' ? database.url : `sqlite:${database.file}`,
          ...env,
        },
      },
      (err, stdout, stderr) => done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
