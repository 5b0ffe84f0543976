import { readdirSync, readFileSync } from 'node:fs';

/**
 * Where the CPU goes during a scenario (Linux /proc): cores used by the api
 * and worker processes, MariaDB, Redis and this load generator, and how busy
 * the whole machine was. On a small machine they all share the same cores,
 * so this is the evidence for what bounds the throughput.
 */
const TICKS_PER_SECOND = 100;

export interface CpuSample {
  at: number;
  /** CPU seconds used so far, per named process. */
  seconds: Map<string, number>;
  machine: { busy: number; total: number } | null;
}

function processSeconds(pid: number): number | null {
  try {
    // Fields after the command name (which may contain spaces): utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

function machineTicks(): CpuSample['machine'] {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = cpu[3] + (cpu[4] ?? 0);
    const total = cpu.slice(0, 8).reduce((s, v) => s + v, 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

/** The pid of a local server process by its command name (e.g. mariadbd), if it runs on this machine. */
export function findProcess(...names: string[]): number | undefined {
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        if (names.includes(readFileSync(`/proc/${entry}/comm`, 'utf8').trim())) return Number(entry);
      } catch {
        // the process ended while we looked
      }
    }
  } catch {
    // not Linux
  }
  return undefined;
}

export function sampleCpu(pids: Record<string, number | undefined>): CpuSample {
  const seconds = new Map<string, number>();
  for (const [name, pid] of Object.entries(pids)) {
    const s = pid === undefined ? null : processSeconds(pid);
    if (s !== null) seconds.set(name, s);
  }
  const self = process.cpuUsage();
  seconds.set('load generator', (self.user + self.system) / 1e6);
  return { at: Date.now(), seconds, machine: machineTicks() };
}

/**
 * "api 0.95 cores (6.1 ms per op), MariaDB 0.60 (…), …; machine 97 % busy"
 * between two samples. CPU time per operation stays comparable when other
 * work on the machine takes cores away; throughput does not.
 */
export function cpuLine(before: CpuSample, after: CpuSample, ops: number): string {
  const wall = (after.at - before.at) / 1000;
  const parts: string[] = [];
  for (const [name, s] of after.seconds) {
    const start = before.seconds.get(name);
    if (start === undefined) continue;
    const perOp = ops > 0 ? ` (${(((s - start) * 1000) / ops).toFixed(2)} ms per op)` : '';
    parts.push(`${name} ${((s - start) / wall).toFixed(2)}${perOp}`);
  }
  const m = after.machine && before.machine ? ` (cores in use); whole machine ${(((after.machine.busy - before.machine.busy) / (after.machine.total - before.machine.total)) * 100).toFixed(0)} % busy` : '';
  return `${parts.join(', ')}${m}`;
}
