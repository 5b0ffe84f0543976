import type { NotificationsService } from './notifications.service';

export type { NotificationsService };
