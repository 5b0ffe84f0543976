import type { Api } from '../http/api';
import type { Principal } from '../http/principal';
import { route } from '../http/route';
import { MyOffersOut, MyOfferOut, OfferParams } from './offers.schemas';
import type { MyOffer, PersonalOffersService } from './personal-offers.service';

/** Personal offers in the portal: the member sees and activates them, with the coupons that are theirs (the back office gives them through the till module's route). */
export function personalOffersRoutes(api: Api<{ personalOffers: PersonalOffersService }>): void {
  const { personalOffers } = api.services;

  route(api, {
    method: 'get',
    path: '/v1/me/offers',
    summary: 'My offers: the running personal offers given to me (activate those that ask for it) and my unused coupons',
    tag: 'me',
    access: { member: true },
    response: MyOffersOut,
    handler: async ({ principal }) => {
      const memberId = memberIdOf(principal);
      const [offers, coupons] = await Promise.all([personalOffers.mine(principal.merchantId, memberId), personalOffers.wallet(principal.merchantId, memberId)]);
      return {
        offers: offers.map(myOfferView),
        coupons: coupons.map(({ code, offerName }) => ({ code: code.code, offerId: code.offerId, offerName, amountOffMinor: code.amountOffMinor, validFrom: code.validFrom, validUntil: code.validUntil })),
      };
    },
  });

  route(api, {
    method: 'post',
    path: '/v1/me/offers/:offerId/activate',
    summary: 'Activate a personal offer given to me: the till applies it from now on',
    tag: 'me',
    access: { member: true },
    params: OfferParams,
    response: MyOfferOut,
    handler: async ({ principal, params }) => myOfferView(await personalOffers.activate(principal.merchantId, memberIdOf(principal), params.offerId)),
  });
}

function myOfferView(m: MyOffer) {
  return {
    id: m.offer.id,
    name: m.offer.name,
    kind: m.offer.definition.mechanic.kind,
    endsOn: m.offer.endsOn,
    activationRequired: m.offer.activationRequired,
    activatedAt: m.activatedAt?.toISOString() ?? null,
    usable: !m.offer.activationRequired || m.activatedAt !== null,
  };
}

function memberIdOf(principal: Principal): string {
  if (principal.kind !== 'member') throw new Error('member route reached without a member principal');
  return principal.memberId;
}
