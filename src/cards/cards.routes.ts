import { once } from 'node:events';
import { setImmediate } from 'node:timers/promises';
import type { Response } from 'express';
import { stringify } from 'csv-stringify/sync';
import type { Api } from '../http/api';
import { ALL_STAFF, MANAGERS, type Principal } from '../http/principal';
import { route } from '../http/route';
import { CardOut, cardView, type MembersService } from '../members';
import type { MerchantsService } from '../merchants';
import type { RateLimitsService } from '../rate-limits';
import { barcodePng, barcodeSvg, qrPng, qrSvg } from './card-images';
import type { CardBatch } from './card-batch.entity';
import type { Card } from './card.entity';
import { batchSheetChunks, MAX_SHEET_CARDS } from './batch-sheet';
import { AttachBody, AttachParams, BatchBody, BatchListQuery, BatchOut, BatchPageOut, BatchParams, CardDetailOut, CardParams, CardReasonBody, ReplaceBody, ReplaceOut, SheetQuery } from './cards.schemas';
import type { CardsService } from './cards.service';

/** Each sheet costs seconds of CPU; a shop prints a few. */
const SHEETS_PER_MERCHANT = { name: 'cards.sheet', limit: 30, windowSeconds: 60 };

type Image = 'qr.png' | 'qr.svg' | 'barcode.png' | 'barcode.svg';

async function sendImage(res: Response, card: Card, image: Image): Promise<void> {
  // Images name a card number: never cached by shared caches.
  res.setHeader('Cache-Control', 'private, max-age=300');
  switch (image) {
    case 'qr.png':
      res.type('image/png').send(await qrPng(card.number));
      return;
    case 'qr.svg':
      res.type('image/svg+xml').send(await qrSvg(card.number));
      return;
    case 'barcode.png':
      res.type('image/png').send(await barcodePng(card.number));
      return;
    case 'barcode.svg':
      res.type('image/svg+xml').send(barcodeSvg(card.number));
      return;
  }
}

const produces: Record<Image, string> = { 'qr.png': 'image/png', 'qr.svg': 'image/svg+xml', 'barcode.png': 'image/png', 'barcode.svg': 'image/svg+xml' };

function batchView(batch: CardBatch) {
  return { id: batch.id, count: batch.count, prefix: batch.prefix, createdAt: batch.createdAt.toISOString() };
}

function memberIdOf(principal: Principal): string {
  if (principal.kind !== 'member') throw new Error('member route reached by a non-member principal');
  return principal.memberId;
}

/** Cards (staff), their images, pre-printed batches (managers) and the member's own card (portal). */
export function cardsRoutes(api: Api<{ cards: CardsService; members: MembersService; merchants: MerchantsService; rateLimits: RateLimitsService }>): void {
  const { cards, members, merchants, rateLimits } = api.services;

  route(api, {
    method: 'get',
    path: '/v1/cards/:cardId',
    summary: 'A card with its status history',
    tag: 'cards',
    access: { staff: ALL_STAFF },
    params: CardParams,
    response: CardDetailOut,
    handler: async ({ principal, params }) => {
      const card = await cards.get(principal.merchantId, params.cardId);
      const history = await cards.history(principal.merchantId, card.id);
      return {
        ...cardView(card),
        history: history.map((h) => ({ fromStatus: h.fromStatus, toStatus: h.toStatus, reason: h.reason, actorKind: h.actorKind, at: h.createdAt.toISOString() })),
      };
    },
  });

  for (const [action, status] of [
    ['block', 'blocked'],
    ['lost', 'lost'],
  ] as const) {
    route(api, {
      method: 'post',
      path: `/v1/cards/:cardId/${action}`,
      summary: status === 'blocked' ? 'Block a card: the till refuses it with CARD_BLOCKED' : 'Report a card lost: the till refuses it with CARD_LOST',
      tag: 'cards',
      access: { staff: ALL_STAFF },
      params: CardParams,
      body: CardReasonBody,
      response: CardOut,
      handler: async ({ principal, params, body }) => cardView(await cards.setStatus(principal, params.cardId, status, body.reason ?? null)),
    });
  }

  route(api, {
    method: 'post',
    path: '/v1/cards/:cardId/unblock',
    summary: 'Undo a block or a lost report (managers)',
    tag: 'cards',
    access: { staff: MANAGERS },
    params: CardParams,
    response: CardOut,
    handler: async ({ principal, params }) => cardView(await cards.reactivate(principal, params.cardId)),
  });

  route(api, {
    method: 'post',
    path: '/v1/cards/:cardId/replace',
    summary: 'Replace a card with a new digital card or a given pre-printed one; the member keeps balance and history',
    tag: 'cards',
    access: { staff: ALL_STAFF },
    params: CardParams,
    body: ReplaceBody,
    response: ReplaceOut,
    status: 201,
    handler: async ({ principal, params, body }) => {
      const { old, card } = await cards.replace(principal, params.cardId, body);
      return { old: cardView(old), card: cardView(card) };
    },
  });

  route(api, {
    method: 'post',
    path: '/v1/members/:memberId/cards',
    summary: 'Attach a pre-printed card to a member',
    tag: 'cards',
    access: { staff: ALL_STAFF },
    params: AttachParams,
    body: AttachBody,
    response: CardOut,
    status: 201,
    handler: async ({ principal, params, body }) => cardView(await cards.attachToMember(principal, params.memberId, body.cardCode)),
  });

  for (const image of Object.keys(produces) as Image[]) {
    route(api, {
      method: 'get',
      path: `/v1/cards/:cardId/${image}`,
      summary: `The card as ${image.startsWith('qr') ? 'a QR code (payload: the 13 digits)' : 'an EAN-13 barcode'}`,
      tag: 'cards',
      access: { staff: ALL_STAFF },
      params: CardParams,
      produces: produces[image],
      handler: async ({ principal, params, res }) => sendImage(res, await cards.get(principal.merchantId, params.cardId), image),
    });
  }

  route(api, {
    method: 'get',
    path: '/v1/me/card',
    summary: 'My current card',
    tag: 'portal',
    access: { member: true },
    response: CardOut,
    handler: async ({ principal }) => {
      const me = await members.self({ kind: 'member', merchantId: principal.merchantId, memberId: memberIdOf(principal) });
      return cardView(await cards.currentForMember(me.merchantId, me.id));
    },
  });

  for (const image of ['qr.svg', 'qr.png'] as const) {
    route(api, {
      method: 'get',
      path: `/v1/me/card/${image}`,
      summary: 'My card as a QR code to show at the till',
      tag: 'portal',
      access: { member: true },
      produces: produces[image],
      handler: async ({ principal, res }) => {
        const me = await members.self({ kind: 'member', merchantId: principal.merchantId, memberId: memberIdOf(principal) });
        await sendImage(res, await cards.currentForMember(me.merchantId, me.id), image);
      },
    });
  }

  route(api, {
    method: 'post',
    path: '/v1/card-batches',
    summary: 'Generate a batch of pre-printed cards (owners and managers)',
    tag: 'cards',
    access: { staff: MANAGERS },
    body: BatchBody,
    response: BatchOut,
    status: 201,
    handler: async ({ principal, body }) => batchView(await cards.createBatch(principal, body)),
  });

  route(api, {
    method: 'get',
    path: '/v1/card-batches',
    summary: 'The batches generated so far, newest first (owners and managers), so they can be printed again',
    tag: 'cards',
    access: { staff: MANAGERS },
    query: BatchListQuery,
    response: BatchPageOut,
    handler: async ({ principal, query }) => {
      const page = await cards.listBatches(principal.merchantId, query);
      return { items: page.items.map(batchView), total: page.total };
    },
  });

  route(api, {
    method: 'get',
    path: '/v1/card-batches/:batchId/cards.csv',
    summary: 'The batch as CSV for a card printer',
    tag: 'cards',
    access: { staff: MANAGERS },
    params: BatchParams,
    produces: 'text/csv',
    handler: async ({ principal, params, res }) => {
      const { batch, cards: rows } = await cards.getBatch(principal.merchantId, params.batchId);
      const csv = stringify(
        rows.map((c) => [c.number, c.status, c.memberId ?? '']),
        { header: true, columns: ['number', 'status', 'member_id'] },
      );
      res.setHeader('Content-Disposition', `attachment; filename="cards-${batch.id}.csv"`);
      res.type('text/csv').send(csv);
    },
  });

  route(api, {
    method: 'get',
    path: '/v1/card-batches/:batchId/sheet.html',
    summary: `A printable A4 sheet of the batch: barcode and number per card, at most ${MAX_SHEET_CARDS} cards per sheet (offset, limit); a Link header names the next sheet`,
    tag: 'cards',
    access: { staff: MANAGERS },
    params: BatchParams,
    query: SheetQuery,
    produces: 'text/html',
    handler: async ({ principal, params, query, res }) => {
      await rateLimits.enforce(SHEETS_PER_MERCHANT, principal.merchantId, 'Too many card sheets printed');
      const { batch, cards: rows } = await cards.getBatch(principal.merchantId, params.batchId, query);
      const next = query.offset + rows.length;
      if (next < batch.count) res.setHeader('Link', `</v1/card-batches/${batch.id}/sheet.html?offset=${next}&limit=${query.limit}>; rel="next"`);
      // The sheet carries inline SVG and its own print CSS, nothing else.
      res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
      res.type('text/html');
      // Streamed in small chunks with a turn of the event loop between them, so other requests keep being served.
      const shop = await merchants.getMerchant(principal.merchantId);
      for (const chunk of batchSheetChunks(batch, rows, query.offset, shop.name)) {
        if (res.destroyed) return;
        if (!res.write(chunk)) await once(res, 'drain');
        await setImmediate();
      }
      res.end();
    },
  });
}
