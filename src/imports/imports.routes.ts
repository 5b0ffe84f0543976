import type { Api } from '../http/api';
import { AppError } from '../http/errors';
import { MANAGERS } from '../http/principal';
import { route } from '../http/route';
import { parseMapPairs } from './mapping';
import { MEMBER_FIELDS } from './member-rows';
import { ImportResultOut, MembersImportQuery, ProductsImportQuery, PurchasesImportQuery, SegmentMembersImportQuery } from './imports.schemas';
import { PRODUCT_FIELDS } from './product-rows';
import { PURCHASE_FIELDS } from './purchase-rows';
import { SEGMENT_MEMBER_FIELDS, type ImportsService } from './imports.service';

/**
 * History import for owners and managers: the CSV is the request body
 * (`Content-Type: text/csv`), streamed; mapping and options are in the query.
 * The answer comes when the file is through (see docs/imports.md: large
 * files are better imported with `npm run import`).
 */
export function importsRoutes(api: Api<{ imports: ImportsService }>): void {
  const { imports } = api.services;

  route(api, {
    method: 'post',
    path: '/v1/imports/members',
    summary: 'Import members from a CSV body (dry run with dryRun=true)',
    tag: 'imports',
    access: { staff: MANAGERS },
    query: MembersImportQuery,
    consumes: 'text/csv',
    response: ImportResultOut,
    handler: async ({ principal, query, req }) => {
      requireCsv(req.is('text/csv'));
      const mapping = parseMapPairs(query.map, MEMBER_FIELDS, 'query.map');
      return imports.importMembers({ merchantId: principal.merchantId, principal }, req, { mapping, dryRun: query.dryRun });
    },
  });

  route(api, {
    method: 'post',
    path: '/v1/imports/purchases',
    summary: 'Import past purchases from a CSV body (dry run with dryRun=true; points only with awardPoints=true)',
    tag: 'imports',
    access: { staff: MANAGERS },
    query: PurchasesImportQuery,
    consumes: 'text/csv',
    response: ImportResultOut,
    handler: async ({ principal, query, req }) => {
      requireCsv(req.is('text/csv'));
      const mapping = parseMapPairs(query.map, PURCHASE_FIELDS, 'query.map');
      return imports.importPurchases({ merchantId: principal.merchantId, principal }, req, { mapping, dryRun: query.dryRun, awardPoints: query.awardPoints });
    },
  });

  route(api, {
    method: 'post',
    path: '/v1/imports/products',
    summary: 'Import products into the catalogue from a CSV body (dry run with dryRun=true; a SKU already there is left as it is)',
    tag: 'imports',
    access: { staff: MANAGERS },
    query: ProductsImportQuery,
    consumes: 'text/csv',
    response: ImportResultOut,
    handler: async ({ principal, query, req }) => {
      requireCsv(req.is('text/csv'));
      const mapping = parseMapPairs(query.map, PRODUCT_FIELDS, 'query.map');
      return imports.importProducts({ merchantId: principal.merchantId, principal }, req, { mapping, dryRun: query.dryRun });
    },
  });

  route(api, {
    method: 'post',
    path: '/v1/imports/segment-members',
    summary: "Replace a static segment's members with those a CSV body names by customerId, phone, email or card (dry run with dryRun=true)",
    tag: 'imports',
    access: { staff: MANAGERS },
    query: SegmentMembersImportQuery,
    consumes: 'text/csv',
    response: ImportResultOut,
    handler: async ({ principal, query, req }) => {
      requireCsv(req.is('text/csv'));
      const mapping = parseMapPairs(query.map, SEGMENT_MEMBER_FIELDS, 'query.map');
      return imports.importSegmentMembers({ merchantId: principal.merchantId, principal }, query.segmentId, req, { mapping, dryRun: query.dryRun });
    },
  });
}

function requireCsv(type: string | false | null): void {
  if (!type) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the file as the request body with Content-Type: text/csv');
}
