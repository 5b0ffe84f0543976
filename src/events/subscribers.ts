import type { JobDefinition } from '../jobs/job-definition';
import { purchasesSubscribers } from '../purchases/purchases.subscribers';
import { webhooksSubscribers } from '../webhooks/webhooks.subscribers';
import { dispatchJob } from './events.jobs';
import type { EventSubscriber } from './subscriber';

/** Every module's event subscribers (until module descriptors declare them). */
export const allSubscribers: EventSubscriber[] = [...purchasesSubscribers, ...webhooksSubscribers];

/** The job that delivers published events to `allSubscribers`. */
export const eventJobs: JobDefinition[] = [dispatchJob(allSubscribers) as JobDefinition];
