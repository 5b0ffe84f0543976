import { z } from 'zod';
import type { ModuleJob } from '../module';
import { SEND_NOTIFICATION_JOB, type NotificationsService } from './notifications.service';

const SendPayload = z.object({ notificationId: z.string().min(1) });

export const notificationJobs: ModuleJob<{ notifications: NotificationsService }>[] = [
  {
    name: SEND_NOTIFICATION_JOB,
    handle: (data, services) => services.notifications.send(SendPayload.parse(data).notificationId),
  },
];
