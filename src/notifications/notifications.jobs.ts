import { z } from 'zod';
import type { JobDefinition } from '../jobs/job-definition';
import { SEND_NOTIFICATION_JOB } from './notifications.service';

const SendPayload = z.object({ notificationId: z.string().min(1) });

export const notificationJobs: JobDefinition[] = [
  {
    name: SEND_NOTIFICATION_JOB,
    handle: (data, services) => services.notifications.send(SendPayload.parse(data).notificationId),
  },
];
