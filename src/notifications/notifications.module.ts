import { defineModule } from '../module';
import { Notification } from './notification.entity';
import { notificationJobs } from './notifications.jobs';
import { NotificationsService } from './notifications.service';

/** Messages to members (sign-in codes), stored in the caller's transaction and sent by a job. */
export const notificationsModule = defineModule({
  name: 'notifications',
  entities: [Notification],
  uses: [],
  create: (deps) => ({ notifications: new NotificationsService(deps) }),
  jobs: notificationJobs,
});
