import type { JobDefinition } from './job-definition';

/** Every module's jobs; the worker (or the single process) consumes all of these. */
export const allJobs: JobDefinition[] = [];
