import { z } from 'zod';
import { nameText } from '../db/text-limits';
import { EVENT_TYPES, type EventType } from '../events/event-types';

const EventTypeName = z.enum(EVENT_TYPES as [EventType, ...EventType[]]);
const Timestamp = z.string().describe('ISO 8601, UTC');

export const SubscriptionParams = z.strictObject({ subscriptionId: z.string().min(1).max(64) });

export const CreateSubscriptionBody = z.strictObject({
  url: z.string().trim().min(1).max(2000).describe('https:// endpoint that receives a signed POST per event'),
  events: z.array(EventTypeName).min(1).max(EVENT_TYPES.length).describe('Event types to receive'),
  description: nameText(200).optional(),
});

export const UpdateSubscriptionBody = z
  .strictObject({
    url: CreateSubscriptionBody.shape.url.optional(),
    events: CreateSubscriptionBody.shape.events.optional(),
    description: nameText(200).nullable().optional(),
    enabled: z.boolean().optional().describe('true re-enables a subscription disabled after repeated failures (and clears its failure count)'),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'change at least one field', path: ['url'] });

export const SubscriptionOut = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string().nullable(),
  events: z.array(z.string()),
  enabled: z.boolean(),
  disabledReason: z.string().nullable(),
  consecutiveFailures: z.number().int(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const CreatedSubscriptionOut = SubscriptionOut.extend({
  secret: z.string().describe('The signing secret: shown only in this answer, keep it with the receiver'),
});

export const SubscriptionList = z.object({ items: z.array(SubscriptionOut) });

export const DeliveryStatusName = z.enum(['pending', 'succeeded', 'failed', 'skipped']);

export const DeliveryOut = z.object({
  id: z.string(),
  subscriptionId: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  status: DeliveryStatusName,
  attempts: z.number().int(),
  responseCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: Timestamp,
  lastAttemptAt: Timestamp.nullable(),
  nextAttemptAt: Timestamp.nullable(),
  deliveredAt: Timestamp.nullable(),
});

export const DeliveryQuery = z.strictObject({
  status: DeliveryStatusName.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  before: z.string().min(1).max(64).optional().describe('Id of the last delivery of the previous page'),
});

export const DeliveryPage = z.object({ items: z.array(DeliveryOut) });

export const EventTypeList = z.object({
  items: z.array(z.object({ type: z.string(), version: z.number().int(), description: z.string() })),
});

export type CreateSubscriptionBody = z.infer<typeof CreateSubscriptionBody>;
export type UpdateSubscriptionBody = z.infer<typeof UpdateSubscriptionBody>;
export type SubscriptionOut = z.infer<typeof SubscriptionOut>;
export type DeliveryOut = z.infer<typeof DeliveryOut>;
export type DeliveryQuery = z.infer<typeof DeliveryQuery>;
