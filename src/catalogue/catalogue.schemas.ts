import { z } from 'zod';
import { nameText, TEXT_LIMITS } from '../db/text-limits';

/**
 * The catalogue API: products (SKU, barcodes, name, category, unit or
 * weighed, earning exclusion, shelf price, groups), the category tree and
 * product groups. Strict bodies, every string and list bounded.
 */

/** Why a product never earns points; null: it earns as the program says. */
export const EARNING_EXCLUSIONS = ['tobacco', 'lottery', 'deposit', 'gift_card', 'other'] as const;
export type EarningExclusion = (typeof EARNING_EXCLUSIONS)[number];

/** A SKU or barcode as tills send them: printable, no spaces at either end. */
export const ProductCode = z
  .string()
  .trim()
  .min(1)
  .max(TEXT_LIMITS.productCode)
  .refine((v) => !/\p{Cc}/u.test(v), 'must not contain control characters');

/** A group's code, as offers name it (`groups: ["yoghurt"]`): lower-case letters, digits, - and _. */
export const GroupCode = z
  .string()
  .trim()
  .min(1)
  .max(TEXT_LIMITS.productCode)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, - and _ only, starting with a letter or digit');

const MAX_PRICE_MINOR = 100_000_000;
const MAX_BARCODES = 20;
const MAX_GROUPS = 50;

const productFields = {
  name: nameText(TEXT_LIMITS.productName),
  barcodes: z.array(ProductCode).max(MAX_BARCODES),
  categoryId: z.uuid().nullable(),
  weighed: z.boolean(),
  earningExclusion: z.enum(EARNING_EXCLUSIONS).nullable().describe('Why the product never earns points (tobacco, lottery, deposit, gift card, other); null: it earns'),
  shelfPriceMinor: z.number().int().min(0).max(MAX_PRICE_MINOR).nullable().describe('Price per unit, or per kg for weighed goods, in minor units'),
  groupIds: z.array(z.uuid()).max(MAX_GROUPS),
};

export const CreateProductBody = z.strictObject({
  sku: ProductCode,
  name: productFields.name,
  barcodes: productFields.barcodes.default([]),
  categoryId: productFields.categoryId.default(null),
  weighed: productFields.weighed.default(false),
  earningExclusion: productFields.earningExclusion.default(null),
  shelfPriceMinor: productFields.shelfPriceMinor.default(null),
  groupIds: productFields.groupIds.default([]),
});
export type CreateProductBody = z.infer<typeof CreateProductBody>;

export const UpdateProductBody = z.strictObject({
  name: productFields.name.optional(),
  barcodes: productFields.barcodes.optional(),
  categoryId: productFields.categoryId.optional(),
  weighed: productFields.weighed.optional(),
  earningExclusion: productFields.earningExclusion.optional(),
  shelfPriceMinor: productFields.shelfPriceMinor.optional(),
  groupIds: productFields.groupIds.optional(),
});
export type UpdateProductBody = z.infer<typeof UpdateProductBody>;

export const ProductParams = z.strictObject({ productId: z.uuid() });
export const CategoryParams = z.strictObject({ categoryId: z.uuid() });
export const GroupParams = z.strictObject({ groupId: z.uuid() });

export const ProductListQuery = z.strictObject({
  q: z.string().trim().max(TEXT_LIMITS.productName).optional().describe('Part of the name, the start of the SKU, or a whole barcode'),
  categoryId: z.uuid().optional().describe('Products of this category and its subcategories'),
  groupId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type ProductListQuery = z.infer<typeof ProductListQuery>;

const GroupRef = z.object({ id: z.string(), code: z.string(), name: z.string() });

export const ProductOut = z.object({
  id: z.string(),
  sku: z.string(),
  name: z.string(),
  barcodes: z.array(z.string()),
  categoryId: z.string().nullable(),
  /** Root first: ["Drinks", "Beer"]. */
  categoryPath: z.array(z.string()),
  weighed: z.boolean(),
  earningExclusion: z.enum(EARNING_EXCLUSIONS).nullable(),
  shelfPriceMinor: z.number().int().nullable(),
  groups: z.array(GroupRef),
  source: z.enum(['manual', 'import', 'learned']),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ProductOut = z.infer<typeof ProductOut>;

export const ProductList = z.object({ items: z.array(ProductOut), total: z.number().int() });

export const CreateCategoryBody = z.strictObject({
  name: nameText(TEXT_LIMITS.categoryName),
  parentId: z.uuid().nullable().default(null),
});
export const UpdateCategoryBody = z.strictObject({
  name: nameText(TEXT_LIMITS.categoryName).optional(),
  parentId: z.uuid().nullable().optional(),
});
export type UpdateCategoryBody = z.infer<typeof UpdateCategoryBody>;

export const CategoryOut = z.object({
  id: z.string(),
  name: z.string(),
  parentId: z.string().nullable(),
  /** Root first, ending with this category: ["Drinks", "Beer"]. */
  path: z.array(z.string()),
  products: z.number().int().describe('Products filed directly under this category'),
});
export type CategoryOut = z.infer<typeof CategoryOut>;
export const CategoryList = z.object({ items: z.array(CategoryOut) });

export const CreateGroupBody = z.strictObject({ code: GroupCode, name: nameText(TEXT_LIMITS.categoryName) });
export const UpdateGroupBody = z.strictObject({ name: nameText(TEXT_LIMITS.categoryName) });

export const GroupOut = z.object({ id: z.string(), code: z.string(), name: z.string(), products: z.number().int() });
export type GroupOut = z.infer<typeof GroupOut>;
export const GroupList = z.object({ items: z.array(GroupOut) });

/** A product as the till adds it to a basket: what its line carries. */
export const TillProduct = z.object({
  sku: z.string(),
  name: z.string(),
  /** The product's category (null: none), and its ancestors nearest first. */
  category: z.string().nullable(),
  ancestors: z.array(z.string()),
  groups: z.array(z.string()),
  weighed: z.boolean(),
  earnsPoints: z.boolean(),
  shelfPriceMinor: z.number().int().nullable(),
});
export type TillProduct = z.infer<typeof TillProduct>;

export const TillProductParams = z.strictObject({ code: ProductCode.describe('A barcode or SKU as scanned') });
export const TillProductSearchQuery = z.strictObject({ q: z.string().trim().min(1).max(TEXT_LIMITS.productName) });
export const TillProductList = z.object({ items: z.array(TillProduct) });
