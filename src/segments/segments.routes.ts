import type { Api } from '../http/api';
import { MANAGERS } from '../http/principal';
import { route } from '../http/route';
import { CreateSegmentBody, SegmentList, SegmentOut, SegmentParams } from './segments.schemas';
import type { SegmentsService } from './segments.service';

/** Segments for owners and managers: create one, list them; a static segment's members come from a CSV upload (imports). */
export function segmentsRoutes(api: Api<{ segments: SegmentsService }>): void {
  const { segments } = api.services;
  const access = { staff: MANAGERS };
  const tag = 'segments';

  route(api, {
    method: 'post',
    path: '/v1/segments',
    summary: 'Create a static segment (then upload its members as CSV to /v1/imports/segment-members)',
    tag,
    access,
    body: CreateSegmentBody,
    response: SegmentOut,
    status: 201,
    handler: async ({ principal, body }) => segments.create(principal, body),
  });

  route(api, {
    method: 'get',
    path: '/v1/segments',
    summary: "The merchant's segments, newest first, with their member counts",
    tag,
    access,
    response: SegmentList,
    handler: async ({ principal }) => ({ items: await segments.list(principal.merchantId) }),
  });

  route(api, {
    method: 'get',
    path: '/v1/segments/:segmentId',
    summary: 'One segment',
    tag,
    access,
    params: SegmentParams,
    response: SegmentOut,
    handler: async ({ principal, params }) => segments.get(principal.merchantId, params.segmentId),
  });
}
