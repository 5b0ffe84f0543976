import { Foundation1700000000000 } from './1700000000000-foundation';
import { MembersCards1700000003000 } from './1700000003000-members-cards';
import { PointsRules1700000004000 } from './1700000004000-points-rules';
import { Purchases1700000005000 } from './1700000005000-purchases';
import { PointLotsMemberExpiry1700000009500 } from './1700000009500-point-lots-member-expiry';
import { PurchasesMemberStore1700000011000 } from './1700000011000-purchases-member-store';
import { StatsRefreshRequests1700000012000 } from './1700000012000-stats-refresh-requests';
import { Webhooks1700000012100 } from './1700000012100-webhooks';
import { OutboxCompletion1700000013000 } from './1700000013000-outbox-completion';
import { StaffSignInSecurity1700000014000 } from './1700000014000-staff-sign-in-security';
import { PlatformOperators1700000014100 } from './1700000014100-platform-operators';
import { RateCounters1700000015000 } from './1700000015000-rate-counters';
import { TextLimits1700000015100 } from './1700000015100-text-limits';
import { TillCashiers1700000020000 } from './1700000020000-till-cashiers';
import { DropStatsRefreshRequests1700000025000 } from './1700000025000-drop-stats-refresh-requests';
import { PortalJoin1700000022000 } from './1700000022000-portal-join';
import { Offers1700000026000 } from './1700000026000-offers';
import { OfferUsesVoided1700000026100 } from './1700000026100-offer-uses-voided';
import { Imports1700000027000 } from './1700000027000-imports';
import { OfflineOffersReturns1700000030000 } from './1700000030000-offline-offers-returns';
import { Catalogue1700000028000 } from './1700000028000-catalogue';
import { Analytics1700000031000 } from './1700000031000-analytics';
import { Forecasts1700000032000 } from './1700000032000-forecasts';
import { Feedback1700000033000 } from './1700000033000-feedback';
import { SegmentsCampaigns1700000035000 } from './1700000035000-segments-campaigns';
import { OfferCodes1700000036000 } from './1700000036000-offer-codes';
import { PersonalOffers1700000036100 } from './1700000036100-personal-offers';
import { NextPurchaseCoupons1700000036200 } from './1700000036200-next-purchase-coupons';
import { OfferRewards1700000036300 } from './1700000036300-offer-rewards';
import { SegmentRules1700000039000 } from './1700000039000-segment-rules';

/** Every migration, in order. Explicit imports survive bundling; never edit one that has landed. */
export const migrations = [
  Foundation1700000000000,
  MembersCards1700000003000,
  PointsRules1700000004000,
  Purchases1700000005000,
  PointLotsMemberExpiry1700000009500,
  PurchasesMemberStore1700000011000,
  StatsRefreshRequests1700000012000,
  Webhooks1700000012100,
  OutboxCompletion1700000013000,
  StaffSignInSecurity1700000014000,
  PlatformOperators1700000014100,
  RateCounters1700000015000,
  TextLimits1700000015100,
  TillCashiers1700000020000,
  PortalJoin1700000022000,
  DropStatsRefreshRequests1700000025000,
  Offers1700000026000,
  OfferUsesVoided1700000026100,
  Imports1700000027000,
  Catalogue1700000028000,
  OfflineOffersReturns1700000030000,
  Analytics1700000031000,
  Forecasts1700000032000,
  Feedback1700000033000,
  SegmentsCampaigns1700000035000,
  OfferCodes1700000036000,
  PersonalOffers1700000036100,
  NextPurchaseCoupons1700000036200,
  OfferRewards1700000036300,
  SegmentRules1700000039000,
];
