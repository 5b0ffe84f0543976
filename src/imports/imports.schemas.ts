import { z } from 'zod';

const Flag = z.enum(['true', 'false']).default('false').transform((v) => v === 'true');

/** `map=field=header`, repeated: which CSV header feeds each field. */
const MapPairs = z
  .union([z.string().max(300), z.array(z.string().max(300)).max(40)])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
  .describe('field=header, repeated (e.g. map=phone=Mobile&map=externalId=CustomerID)');

export const MembersImportQuery = z.strictObject({
  dryRun: Flag.describe('Check every row and report, write nothing'),
  map: MapPairs,
});

export const PurchasesImportQuery = z.strictObject({
  dryRun: Flag.describe('Check every row and report, write nothing'),
  awardPoints: Flag.describe("Award points for the imported purchases by the program in force at each purchase's date (off: history only)"),
  map: MapPairs,
});

export const ProductsImportQuery = z.strictObject({
  dryRun: Flag.describe('Check every row and report, write nothing'),
  map: MapPairs,
});

export const SegmentMembersImportQuery = z.strictObject({
  segmentId: z.uuid().describe('The static segment whose members the file lists (it replaces the list)'),
  dryRun: Flag.describe('Check every row and report, write nothing'),
  map: MapPairs,
});

export const ImportResultOut = z.object({
  kind: z.enum(['members', 'purchases', 'products', 'segment-members']),
  dryRun: z.boolean(),
  rows: z.number().int(),
  created: z.number().int(),
  existing: z.number().int(),
  failed: z.number().int(),
  errors: z.array(z.object({ row: z.number().int(), field: z.string(), message: z.string() })),
});

export type ImportResultView = z.infer<typeof ImportResultOut>;
