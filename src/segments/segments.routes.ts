import type { Api } from '../http/api';
import { MANAGERS } from '../http/principal';
import { route } from '../http/route';
import {
  CreateSegmentBody,
  PreviewSegmentBody,
  SegmentChangesOut,
  SegmentChangesQuery,
  SegmentList,
  SegmentOut,
  SegmentParams,
  SegmentPreviewOut,
  UpdateSegmentBody,
} from './segments.schemas';
import type { SegmentsService } from './segments.service';

/** Segments for owners and managers: static ones filled by a CSV upload (imports), rules ones by their rules. */
export function segmentsRoutes(api: Api<{ segments: SegmentsService }>): void {
  const { segments } = api.services;
  const access = { staff: MANAGERS };
  const tag = 'segments';

  route(api, {
    method: 'post',
    path: '/v1/segments',
    summary: 'Create a segment: with rules it is filled at once; without, upload its members as CSV to /v1/imports/segment-members',
    tag,
    access,
    body: CreateSegmentBody,
    response: SegmentOut,
    status: 201,
    handler: async ({ principal, body }) => segments.create(principal, body),
  });

  route(api, {
    method: 'post',
    path: '/v1/segments/preview',
    summary: 'How many members these rules select now (the live count while editing); stores nothing',
    tag,
    access,
    body: PreviewSegmentBody,
    response: SegmentPreviewOut,
    handler: async ({ principal, body }) => segments.preview(principal.merchantId, body.rules),
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

  route(api, {
    method: 'patch',
    path: '/v1/segments/:segmentId',
    summary: "Rename a segment or change a rules segment's rules (refreshed at once)",
    tag,
    access,
    params: SegmentParams,
    body: UpdateSegmentBody,
    response: SegmentOut,
    handler: async ({ principal, params, body }) => segments.update(principal, params.segmentId, body),
  });

  route(api, {
    method: 'post',
    path: '/v1/segments/:segmentId/refresh',
    summary: "Make a rules segment's members what its rules select now (also done nightly and after purchases)",
    tag,
    access,
    params: SegmentParams,
    response: SegmentOut,
    handler: async ({ principal, params }) => segments.refresh(principal.merchantId, params.segmentId),
  });

  route(api, {
    method: 'get',
    path: '/v1/segments/:segmentId/changes',
    summary: 'Who entered and who left a rules segment, newest first',
    tag,
    access,
    params: SegmentParams,
    query: SegmentChangesQuery,
    response: SegmentChangesOut,
    handler: async ({ principal, params, query }) => segments.changes(principal.merchantId, params.segmentId, query),
  });
}
