import type { WebhooksService } from './webhooks.service';

export type { WebhooksService };
