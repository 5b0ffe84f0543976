import { once } from 'node:events';
import { setImmediate } from 'node:timers/promises';
import type { Response } from 'express';
import { stringify } from 'csv-stringify/sync';
import type { Api } from '../http/api';
import { MANAGERS } from '../http/principal';
import { route } from '../http/route';
import { codeSheetChunks } from './code-sheet';
import type { OfferCodesService } from './offer-codes.service';
import type { OfferCodeBatch } from './offer-code-batch.entity';
import type { OffersService } from './offers.service';
import {
  CodeBatchList,
  CodeBatchParams,
  CodeSheetQuery,
  CreateCodeBatchBody,
  CreatedCodeBatch,
  CreateOfferBody,
  OfferList,
  OfferListQuery,
  OfferOut,
  OfferParams,
  OfferReport,
  UpdateOfferBody,
} from './offers.schemas';

/** The back office's offers (owners and managers): create, change, activate / pause / end, and what each cost. */
export function offersRoutes(api: Api<{ offers: OffersService; offerCodes: OfferCodesService }>): void {
  const { offers, offerCodes } = api.services;
  const access = { staff: MANAGERS };
  const tag = 'offers';

  route(api, {
    method: 'post',
    path: '/v1/offers',
    summary: 'Create an offer as a draft (the definition is checked by the offer engine)',
    tag,
    access,
    body: CreateOfferBody,
    response: OfferOut,
    status: 201,
    handler: async ({ principal, body }) => offers.create(principal, body),
  });

  route(api, {
    method: 'get',
    path: '/v1/offers',
    summary: "The merchant's offers, newest first, with status, uses and cost",
    tag,
    access,
    query: OfferListQuery,
    response: OfferList,
    handler: async ({ principal, query }) => ({ items: await offers.list(principal, query) }),
  });

  route(api, {
    method: 'get',
    path: '/v1/offers/:offerId',
    summary: 'One offer',
    tag,
    access,
    params: OfferParams,
    response: OfferOut,
    handler: async ({ principal, params }) => offers.get(principal, params.offerId),
  });

  route(api, {
    method: 'patch',
    path: '/v1/offers/:offerId',
    summary: 'Change a draft or paused offer (pause an active one first)',
    tag,
    access,
    params: OfferParams,
    body: UpdateOfferBody,
    response: OfferOut,
    handler: async ({ principal, params, body }) => offers.update(principal, params.offerId, body),
  });

  for (const [action, summary] of [
    ['activate', 'Activate a draft or paused offer: tills apply it from now on'],
    ['pause', 'Pause an active offer: tills stop applying it'],
    ['end', 'End an offer for good'],
  ] as const) {
    route(api, {
      method: 'post',
      path: `/v1/offers/:offerId/${action}`,
      summary,
      tag,
      access,
      params: OfferParams,
      response: OfferOut,
      handler: async ({ principal, params }) => offers.transition(principal, params.offerId, action),
    });
  }

  route(api, {
    method: 'get',
    path: '/v1/offers/:offerId/report',
    summary: 'What an offer did: uses, members, discount and points cost, sales of the baskets that used it',
    tag,
    access,
    params: OfferParams,
    response: OfferReport,
    handler: async ({ principal, params }) => offers.report(principal, params.offerId),
  });

  route(api, {
    method: 'post',
    path: '/v1/offers/:offerId/code-batches',
    summary: 'Generate single-use codes for an offer with trigger code (at most 10,000 a batch)',
    tag,
    access,
    params: OfferParams,
    body: CreateCodeBatchBody,
    response: CreatedCodeBatch,
    status: 201,
    handler: async ({ principal, params, body }) => {
      const { batch, codes } = await offerCodes.createBatch(principal, params.offerId, body);
      return { ...batchView(batch), codes };
    },
  });

  route(api, {
    method: 'get',
    path: '/v1/offers/:offerId/code-batches',
    summary: "An offer's code batches, newest first, with how many codes are used",
    tag,
    access,
    params: OfferParams,
    response: CodeBatchList,
    handler: async ({ principal, params }) => ({ items: (await offerCodes.listBatches(principal, params.offerId)).map((b) => ({ ...batchView(b.batch), used: b.used })) }),
  });

  route(api, {
    method: 'get',
    path: '/v1/offers/:offerId/code-batches/:batchId/codes.csv',
    summary: 'A batch as CSV (code, used_at, purchase_id), streamed a page at a time',
    tag,
    access,
    params: CodeBatchParams,
    produces: 'text/csv',
    handler: async ({ principal, params, res }) => {
      const batch = await offerCodes.getBatch(principal, params.offerId, params.batchId);
      res.setHeader('Content-Disposition', `attachment; filename="coupons-${batch.id}.csv"`);
      res.type('text/csv');
      await stream(res, csvChunks(offerCodes.batchCodes(batch)));
    },
  });

  route(api, {
    method: 'get',
    path: '/v1/offers/:offerId/code-batches/:batchId/sheet.html',
    summary: 'A printable A4 sheet of a batch: the offer, a QR code and the code per coupon, at most 500 a sheet (offset, limit); a Link header names the next sheet',
    tag,
    access,
    params: CodeBatchParams,
    query: CodeSheetQuery,
    produces: 'text/html',
    handler: async ({ principal, params, query, res }) => {
      const batch = await offerCodes.getBatch(principal, params.offerId, params.batchId);
      const offer = await offers.get(principal, params.offerId);
      const next = query.offset + query.limit;
      if (next < batch.count) res.setHeader('Link', `</v1/offers/${offer.id}/code-batches/${batch.id}/sheet.html?offset=${next}&limit=${query.limit}>; rel="next"`);
      // The sheet carries inline SVG and its own print CSS, nothing else.
      res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
      res.type('text/html');
      await stream(res, codeSheetChunks(batch, offer.name, offerCodes.batchCodes(batch, query)));
    },
  });
}

function batchView(b: OfferCodeBatch) {
  return { id: b.id, offerId: b.offerId, prefix: b.prefix, count: b.count, createdAt: b.createdAt.toISOString() };
}

async function* csvChunks(pages: AsyncIterable<{ code: string; usedAt: Date | null; purchaseId: string | null }[]>): AsyncGenerator<string> {
  yield stringify([['code', 'used_at', 'purchase_id']]);
  for await (const page of pages) yield stringify(page.map((c) => [c.code, c.usedAt?.toISOString() ?? '', c.purchaseId ?? '']));
}

/** Writes chunks as the client takes them, with a turn of the event loop between them so other requests keep being served. */
async function stream(res: Response, chunks: AsyncIterable<string>): Promise<void> {
  for await (const chunk of chunks) {
    if (res.destroyed) return;
    if (!res.write(chunk)) await once(res, 'drain');
    await setImmediate();
  }
  res.end();
}
