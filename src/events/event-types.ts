import { z } from 'zod';

/**
 * The domain events other modules (and merchants' webhooks) may rely on.
 * Payloads are small and stable: ids, amounts and the kind of change, never
 * personal data (a subscriber that needs more asks the owning module). A
 * change that breaks a payload's shape is a new version of that event;
 * adding an optional field is not. See docs/webhooks.md for the catalogue.
 */
const id = z.string().max(36);
const points = z.number().int();
const minor = z.number().int();

export const EventData = {
  'purchase.recorded': z
    .object({
      purchaseId: id,
      storeId: id,
      terminalId: id,
      receiptNumber: z.string(),
      memberId: id.nullable(),
      /** When the sale happened at the till (an offline sale may be replayed later). */
      soldAt: z.iso.datetime(),
      totalMinor: minor,
      discountMinor: minor,
      pointsEarned: points,
      pointsRedeemed: points,
    })
    .describe('A sale was recorded at the till (a replay of the same sale publishes nothing).'),
  'purchase.returned': z
    .object({
      purchaseId: id,
      returnId: id,
      storeId: id,
      memberId: id.nullable(),
      refundMinor: minor,
      /** Everything refunded on this purchase so far, this return included. */
      refundedTotalMinor: minor,
      pointsReversed: points,
      pointsRestored: points,
    })
    .describe('Goods of a sale were returned (by lines or by amount).'),
  'purchase.voided': z
    .object({ purchaseId: id, storeId: id, memberId: id.nullable(), pointsReversed: points, pointsRestored: points })
    .describe('A sale was voided: its points reversed and its redeemed points given back.'),
  'purchase.claimed': z
    .object({ purchaseId: id, storeId: id, memberId: id, pointsEarned: points })
    .describe('An anonymous sale was credited to a member ("I forgot my card").'),
  'member.enrolled': z
    .object({ memberId: id, cardId: id.nullable(), storeId: id.nullable(), source: z.string() })
    .describe('A new member joined.'),
  'member.updated': z
    .object({ memberId: id, fields: z.array(z.string()) })
    .describe('Profile fields, consents or the status of a member changed. Only the names of the fields are given, never their values.'),
  'member.merged': z
    .object({ fromMemberId: id, intoMemberId: id })
    .describe('A duplicate member was merged into another: cards, points and purchases now belong to intoMemberId.'),
  'points.changed': z
    .object({
      memberId: id,
      entryId: z.number().int(),
      /** earn, redeem, reverse, restore, adjust, expire, transfer, bonus. */
      kind: z.string(),
      /** Signed change of the ledger (negative for redeem, reverse, expire). */
      points,
      sourceType: z.string().nullable(),
      sourceId: z.string().nullable(),
    })
    .describe('A ledger entry changed the points of a member.'),
  'tier.changed': z
    .object({ memberId: id, fromTier: z.string().nullable(), toTier: z.string().nullable() })
    .describe("A member's earned tier changed (codes of the program's tiers; null is no tier)."),
  'card.status_changed': z
    .object({ cardId: id, memberId: id.nullable(), fromStatus: z.string().nullable(), toStatus: z.string() })
    .describe('A card was issued, attached, blocked, reported lost, reactivated or replaced.'),
} as const;

export type EventType = keyof typeof EventData;
export type EventDataOf<T extends EventType> = z.infer<(typeof EventData)[T]>;

export const EVENT_TYPES = Object.keys(EventData) as EventType[];

/** Version of each event's payload; bumped when a payload changes incompatibly. */
export const EVENT_VERSIONS: Record<EventType, number> = {
  'purchase.recorded': 1,
  'purchase.returned': 1,
  'purchase.voided': 1,
  'purchase.claimed': 1,
  'member.enrolled': 1,
  'member.updated': 1,
  'member.merged': 1,
  'points.changed': 1,
  'tier.changed': 1,
  'card.status_changed': 1,
};

/** What is stored in the outbox, handed to subscribers and posted to webhooks. */
export interface DomainEvent<T extends EventType = EventType> {
  /** UUIDv7, unique per event: subscribers and webhook receivers de-duplicate by it. */
  id: string;
  type: T;
  version: number;
  merchantId: string;
  /** When the change was committed (ISO 8601, UTC). */
  occurredAt: string;
  data: EventDataOf<T>;
}

/** The envelope as a zod schema, for the OpenAPI document. */
export function envelopeSchema<T extends EventType>(type: T) {
  return z.object({
    id: z.uuid(),
    type: z.literal(type),
    version: z.literal(EVENT_VERSIONS[type]),
    merchantId: z.string(),
    occurredAt: z.iso.datetime(),
    data: EventData[type],
  });
}
