import type { HealthService } from './health.service';

export { startProbeServer } from './probe-server';
export type { HealthService };
