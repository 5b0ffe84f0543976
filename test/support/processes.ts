import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

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
