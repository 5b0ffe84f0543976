/** Latency summary from raw samples (milliseconds), nearest-rank percentiles. */
export interface Summary {
  requests: number;
  errors: number;
  seconds: number;
  throughput: number;
  p50: number;
  p95: number;
  p99: number;
}

export function summarise(samplesMs: number[], errors: number, seconds: number): Summary {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const pct = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN);
  return {
    requests: sorted.length,
    errors,
    seconds,
    throughput: sorted.length / seconds,
    p50: pct(50),
    p95: pct(95),
    p99: pct(99),
  };
}

export function row(label: string, s: Summary, baseline?: Summary): string {
  const ratio = baseline ? `${((s.throughput / baseline.throughput) * 100).toFixed(0)} %` : '—';
  return `| ${label} | ${s.throughput.toFixed(0)} | ${ratio} | ${s.p50.toFixed(1)} | ${s.p95.toFixed(1)} | ${s.p99.toFixed(1)} | ${s.requests} | ${s.errors} |`;
}

export const HEADER = [
  '| scenario | ops/s | vs direct mysql2 | p50 ms | p95 ms | p99 ms | ops | errors |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
];
