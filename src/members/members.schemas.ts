import { z } from 'zod';
import { nameText, TEXT_LIMITS } from '../db/text-limits';
import { CARD_STATUSES, type Card } from '../cards';
import type { Completeness } from './completeness';
import type { MemberChange } from './member-change.entity';
import type { MemberConsent } from './member-consent.entity';
import type { MemberStats } from './member-stats.entity';
import { CAPTURE_SOURCES, MEMBER_STATUSES, type Member } from './member.entity';
import type { CurrentConsents } from './members.service';

const Name = nameText(TEXT_LIMITS.personName);
/** Any common formatting; normalised to E.164 with the merchant's region by the service. */
const Phone = z.string().trim().min(3).max(32);
const Email = z.email().max(TEXT_LIMITS.email);
const BirthDate = z.iso.date().refine((d) => d >= '1900-01-01' && d <= new Date().toISOString().slice(0, 10), 'must be a past date after 1900');
const Locale = z.string().max(TEXT_LIMITS.languageTag).regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}$/, 'must be a BCP 47 tag such as th or th-TH');
const CardCode = z.string().trim().min(1).max(32);

export const ConsentsInput = z.strictObject({
  marketingEmail: z.boolean().optional(),
  marketingSms: z.boolean().optional(),
  profiling: z.boolean().optional(),
});

const hasContact = (b: { phone?: string | null; email?: string | null }) => !!b.phone || !!b.email;
const contactIssue = { message: 'phone or email is required', path: ['phone'] };

export const EnrolBody = z
  .strictObject({
    firstName: Name,
    lastName: Name.nullable().optional(),
    phone: Phone.optional(),
    email: Email.optional(),
    birthDate: BirthDate.nullable().optional(),
    locale: Locale.nullable().optional(),
    consents: ConsentsInput.optional(),
    cardCode: CardCode.optional().describe('A pre-printed card to attach; without it a digital card is issued'),
  })
  .refine(hasContact, contactIssue);

/** Enrolment at the till: the few fields a cashier asks for. */
export const PosEnrolBody = z
  .strictObject({
    firstName: Name,
    lastName: Name.optional(),
    phone: Phone.optional(),
    email: Email.optional(),
    consents: ConsentsInput.default({}),
    cardCode: CardCode.optional(),
  })
  .refine(hasContact, contactIssue);

const profileFields = {
  firstName: Name.optional(),
  lastName: Name.nullable().optional(),
  phone: Phone.nullable().optional(),
  email: Email.nullable().optional(),
  birthDate: BirthDate.nullable().optional(),
  locale: Locale.nullable().optional(),
};

export const MemberPatch = z.strictObject({ ...profileFields, tierOverride: z.string().trim().min(1).max(32).nullable().optional() });
export const SelfPatch = z.strictObject(profileFields);

export const MemberParams = z.strictObject({ memberId: z.string().min(1).max(64) });

export const MemberSearchQuery = z.strictObject({
  q: z.string().trim().max(100).optional().describe('Name words, phone, email, member number or card number'),
  status: z.enum(MEMBER_STATUSES).optional(),
  deletionRequested: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).default(0),
});

export const StatusBody = z.strictObject({ status: z.enum(MEMBER_STATUSES), reason: z.string().trim().min(1).max(500).nullable().optional() });
export const MergeBody = z.strictObject({ intoMemberId: z.string().min(1).max(64) });

export const SignInCodeParams = z.strictObject({ merchantId: z.string().min(1).max(64) });
const destinationRefine = (b: { phone?: string; email?: string }) => (b.phone === undefined) !== (b.email === undefined);
const destinationIssue = { message: 'give exactly one of phone or email', path: ['phone'] };
export const SignInCodeBody = z.strictObject({ phone: Phone.optional(), email: Email.optional() }).refine(destinationRefine, destinationIssue);
/**
 * Self sign-up from the shop's poster: a first name, one contact and the
 * three consents, each answered (the form shows them unticked).
 */
export const JoinBody = z
  .strictObject({
    firstName: Name,
    lastName: Name.optional(),
    phone: Phone.optional(),
    email: Email.optional(),
    locale: Locale.optional(),
    consents: z.strictObject({ marketingEmail: z.boolean(), marketingSms: z.boolean(), profiling: z.boolean() }),
  })
  .refine(destinationRefine, destinationIssue);

/** A poster's short code (/j/CODE): letters and digits, any case. */
export const PortalCodeParams = z.strictObject({ code: z.string().max(8).regex(/^[A-Za-z0-9]{4,8}$/, 'must be 4 to 8 letters or digits') });

/** The shop as its portal shows it to anyone: name, colour, language and currency, nothing private. */
export const PortalShopOut = z.object({
  id: z.string(),
  name: z.string(),
  brandColor: z.string().nullable().describe("#rrggbb, or null for Tally's green"),
  locale: z.string(),
  currency: z.string(),
});

/** Where the shop's poster points: paths on this server (the back office prefixes its own origin). */
export const PortalPosterOut = z.object({
  shop: PortalShopOut,
  portalPath: z.string().describe('/portal/<merchantId>'),
  joinPath: z.string().describe('/portal/<merchantId>/join, the QR on the poster'),
  shortPath: z.string().describe('/j/<code>, the address printed under it'),
  code: z.string(),
});

export const SignInVerifyBody = z
  .strictObject({ phone: Phone.optional(), email: Email.optional(), code: z.string().regex(/^\d{6}$/, 'must be 6 digits') })
  .refine(destinationRefine, destinationIssue);

// --- answers ---

const Timestamp = z.string().describe('ISO 8601, UTC');

export const MemberOut = z.object({
  id: z.string(),
  memberNumber: z.string(),
  firstName: z.string(),
  lastName: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  birthDate: z.string().nullable(),
  locale: z.string().nullable(),
  status: z.enum(MEMBER_STATUSES),
  statusReason: z.string().nullable(),
  tierOverride: z.string().nullable(),
  mergedIntoId: z.string().nullable(),
  enrolledAt: Timestamp,
  enrolledStoreId: z.string().nullable(),
  enrolledBy: z.enum(CAPTURE_SOURCES),
  deletionRequestedAt: Timestamp.nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const CardOut = z.object({
  id: z.string(),
  number: z.string(),
  kind: z.enum(['digital', 'physical']),
  status: z.enum(CARD_STATUSES),
  statusReason: z.string().nullable(),
  memberId: z.string().nullable(),
  batchId: z.string().nullable(),
  replacedById: z.string().nullable(),
  issuedAt: Timestamp.nullable(),
  createdAt: Timestamp,
});

const ConsentOut = z.object({ granted: z.boolean(), source: z.enum(CAPTURE_SOURCES), at: Timestamp }).nullable();
export const CurrentConsentsOut = z.object({ marketingEmail: ConsentOut, marketingSms: ConsentOut, profiling: ConsentOut });
export const ConsentsOut = z.object({
  current: CurrentConsentsOut,
  history: z.array(
    z.object({
      id: z.number(),
      kind: z.string(),
      granted: z.boolean(),
      /** given; withdrawn (a consent given before is taken back); declined (answered no, never given before). */
      change: z.enum(['given', 'withdrawn', 'declined']),
      source: z.string(),
      actorKind: z.string(),
      actorId: z.string().nullable(),
      at: Timestamp,
    }),
  ),
});
export const CompletenessOut = z.object({ score: z.number().int(), missing: z.array(z.string()) });
export const StatsOut = z
  .object({
    firstPurchaseAt: Timestamp.nullable(),
    lastPurchaseAt: Timestamp.nullable(),
    visits: z.number().int(),
    spendMinor: z.number().int(),
    averageBasketMinor: z.number().int(),
    favouriteStoreId: z.string().nullable(),
    topCategories: z.array(z.string()),
    updatedAt: Timestamp,
  })
  .nullable();
export const ProfileOut = z.object({ member: MemberOut, stats: StatsOut, completeness: CompletenessOut, consents: CurrentConsentsOut, cards: z.array(CardOut) });
export const ChangeOut = z.object({
  id: z.number(),
  field: z.string(),
  oldValue: z.string().nullable(),
  newValue: z.string().nullable(),
  actorKind: z.string(),
  actorId: z.string().nullable(),
  at: Timestamp,
});
export const MemberPageOut = z.object({ items: z.array(MemberOut), total: z.number().int() });
export const EnrolOut = z.object({ member: MemberOut, card: CardOut });
export const SignInOut = z.object({ accessToken: z.string(), expiresIn: z.number().int(), member: MemberOut });

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function memberView(m: Member): z.infer<typeof MemberOut> {
  return {
    id: m.id,
    memberNumber: m.memberNumber,
    firstName: m.firstName,
    lastName: m.lastName,
    phone: m.phone,
    email: m.email,
    birthDate: m.birthDate,
    locale: m.locale,
    status: m.status,
    statusReason: m.statusReason,
    tierOverride: m.tierOverride,
    mergedIntoId: m.mergedIntoId,
    enrolledAt: m.enrolledAt.toISOString(),
    enrolledStoreId: m.enrolledStoreId,
    enrolledBy: m.enrolledBy,
    deletionRequestedAt: iso(m.deletionRequestedAt),
    createdAt: m.createdAt.toISOString(),
    updatedAt: m.updatedAt.toISOString(),
  };
}

export function cardView(c: Card): z.infer<typeof CardOut> {
  return {
    id: c.id,
    number: c.number,
    kind: c.kind,
    status: c.status,
    statusReason: c.statusReason,
    memberId: c.memberId,
    batchId: c.batchId,
    replacedById: c.replacedById,
    issuedAt: iso(c.issuedAt),
    createdAt: c.createdAt.toISOString(),
  };
}

export function consentsView(current: CurrentConsents): z.infer<typeof CurrentConsentsOut> {
  const one = (c: CurrentConsents[keyof CurrentConsents]) => (c ? { granted: c.granted, source: c.source, at: c.at.toISOString() } : null);
  return { marketingEmail: one(current.marketingEmail), marketingSms: one(current.marketingSms), profiling: one(current.profiling) };
}

/**
 * The consent history, oldest first as stored. A "no" is a withdrawal only
 * when that consent was given before; a first "no" (a till enrolment asks
 * all three) is a refusal, never a withdrawal of something never given.
 */
export function consentHistoryView(history: MemberConsent[]): z.infer<typeof ConsentsOut>['history'] {
  const given = new Set<string>();
  return history.map((h) => {
    const change = h.granted ? 'given' : given.has(h.kind) ? 'withdrawn' : 'declined';
    if (h.granted) given.add(h.kind);
    else given.delete(h.kind);
    return { id: h.id, kind: h.kind, granted: h.granted, change, source: h.source, actorKind: h.actorKind, actorId: h.actorId, at: h.createdAt.toISOString() };
  });
}

export function changeView(c: MemberChange): z.infer<typeof ChangeOut> {
  return { id: c.id, field: c.field, oldValue: c.oldValue, newValue: c.newValue, actorKind: c.actorKind, actorId: c.actorId, at: c.createdAt.toISOString() };
}

export function statsView(s: MemberStats | null): z.infer<typeof StatsOut> {
  if (!s) return null;
  return {
    firstPurchaseAt: iso(s.firstPurchaseAt),
    lastPurchaseAt: iso(s.lastPurchaseAt),
    visits: s.visits,
    spendMinor: s.spendMinor,
    averageBasketMinor: s.averageBasketMinor,
    favouriteStoreId: s.favouriteStoreId,
    topCategories: s.topCategories ?? [],
    updatedAt: s.updatedAt.toISOString(),
  };
}

export function profileView(p: { member: Member; stats: MemberStats | null; completeness: Completeness; consents: CurrentConsents; cards: Card[] }): z.infer<typeof ProfileOut> {
  return {
    member: memberView(p.member),
    stats: statsView(p.stats),
    completeness: { score: p.completeness.score, missing: [...p.completeness.missing] },
    consents: consentsView(p.consents),
    cards: p.cards.map(cardView),
  };
}
