import { In, type EntityManager } from 'typeorm';
import { audit } from '../audit';
import { toInt } from '../db/columns';
import { newId } from '../db/ids';
import { TtlCache } from '../db/ttl-cache';
import type { Deps } from '../deps';
import { AppError, found } from '../http/errors';
import type { Principal } from '../http/principal';
import { categoryKey } from '../../offer-engine/category-key';
import { descendantsOf, lineage, moveProblem, pathOf, type CategoryNode } from './category-tree';
import type { CategoryOut, CreateProductBody, EarningExclusion, GroupOut, ProductListQuery, ProductOut, TillProduct, UpdateCategoryBody, UpdateProductBody } from './catalogue.schemas';
import { ProductBarcode } from './product-barcode.entity';
import { ProductCategory } from './product-category.entity';
import { ProductGroup, ProductGroupMember } from './product-group.entity';
import { Product, type ProductSource } from './product.entity';
import { withProduct, type ProductLineFields } from './product-lines';

/** How long a process keeps a merchant's category tree; a change made in this process is seen at once. */
export const CATEGORY_TREE_TTL_MS = 15_000;

/** Codes looked up per statement: well under every driver's parameter limit. */
const CHUNK = 500;

/** Products a till's name search answers with. */
export const TILL_SEARCH_LIMIT = 20;

/** What a basket line learns from its product (`resolve`): the pricing pipeline's offers and earning steps use it. */
export interface ResolvedProduct {
  productId: string;
  sku: string;
  name: string;
  /** The product's category name; null: none. */
  category: string | null;
  /** The category's ancestors, nearest first (Drinks for Beer). */
  ancestors: string[];
  /** Codes of the product's groups. */
  groups: string[];
  weighed: boolean;
  /** False for a product with an earning exclusion (tobacco, lottery, deposits, gift cards). */
  earnsPoints: boolean;
  shelfPriceMinor: number | null;
}

/** A line of a recorded sale the catalogue may learn an unknown SKU from. */
export interface SoldItem {
  sku: string;
  category: string | null;
  description: string | null;
}

/** A product row of an import file, checked (docs/imports.md). */
export interface ImportedProduct {
  row: number;
  sku: string;
  name: string;
  barcodes: string[];
  /** Root first; empty: no category. */
  categoryPath: string[];
  weighed: boolean;
  earningExclusion: EarningExclusion | null;
  shelfPriceMinor: number | null;
  groupCodes: string[];
}

export type ProductImportOutcome = 'created' | 'existing' | { row: number; field: string; message: string }[];

interface Tree {
  byId: Map<string, ProductCategory>;
  byKey: Map<string, ProductCategory>;
}

/**
 * The product catalogue of a merchant: products found by SKU or barcode,
 * the category tree and product groups. The back office edits it, the till
 * resolves basket lines through it (`resolve`), CSV imports and recorded
 * sales fill it (`importBatch`, `learn`).
 */
export class CatalogueService {
  private readonly trees = new TtlCache<Tree>(CATEGORY_TREE_TTL_MS);

  constructor(private readonly deps: Deps) {}

  // ---- products (back office) ----

  async listProducts(principal: Principal, query: ProductListQuery): Promise<{ items: ProductOut[]; total: number }> {
    const merchantId = principal.merchantId;
    const tree = await this.tree(merchantId);
    const qb = this.deps.db.manager.createQueryBuilder(Product, 'p').where('p.merchant_id = :merchantId', { merchantId });
    if (query.categoryId) {
      found(tree.byId.get(query.categoryId), 'category');
      qb.andWhere('p.category_id IN (:...categoryIds)', { categoryIds: descendantsOf(query.categoryId, tree.byId) });
    }
    if (query.groupId) {
      qb.andWhere('p.id IN (SELECT gm.product_id FROM product_group_members gm WHERE gm.group_id = :groupId AND gm.merchant_id = :merchantId)', { groupId: query.groupId });
    }
    if (query.q) {
      qb.andWhere(
        "(p.name LIKE :contains ESCAPE '!' OR p.sku LIKE :prefix ESCAPE '!' OR p.id IN (SELECT b.product_id FROM product_barcodes b WHERE b.merchant_id = :merchantId AND b.barcode = :code))",
        { contains: `%${escapeLike(query.q)}%`, prefix: `${escapeLike(query.q)}%`, code: query.q },
      );
    }
    const [products, total] = await qb.orderBy('p.name', 'ASC').addOrderBy('p.id', 'ASC').take(query.limit).skip(query.offset).getManyAndCount();
    return { items: await this.views(this.deps.db.manager, products, tree), total };
  }

  async getProduct(principal: Principal, id: string): Promise<ProductOut> {
    const product = found(await this.deps.db.manager.findOneBy(Product, { id, merchantId: principal.merchantId }), 'product');
    return (await this.views(this.deps.db.manager, [product], await this.tree(principal.merchantId)))[0];
  }

  async createProduct(principal: Principal, input: CreateProductBody, now = new Date()): Promise<ProductOut> {
    const merchantId = principal.merchantId;
    const product: Product = {
      id: newId(now.getTime()),
      merchantId,
      sku: input.sku,
      name: input.name,
      categoryId: input.categoryId,
      weighed: input.weighed,
      earningExclusion: input.earningExclusion,
      shelfPriceMinor: input.shelfPriceMinor,
      source: 'manual',
      createdAt: now,
      updatedAt: now,
    };
    return this.deps.db.transaction(async (tx) => {
      const tree = await this.tree(merchantId, tx);
      if (input.categoryId) found(tree.byId.get(input.categoryId), 'category');
      const groupIds = await this.checkGroups(tx, merchantId, input.groupIds);
      await this.checkSkuFree(tx, merchantId, input.sku);
      await tx.insert(Product, product);
      await this.setBarcodes(tx, product, unique(input.barcodes), false);
      await this.setGroups(tx, product, groupIds, false);
      await audit(tx, merchantId, principal, { action: 'product.create', entity: 'product', entityId: product.id, data: { sku: product.sku, name: product.name } }, now);
      return (await this.views(tx, [product], tree))[0];
    });
  }

  async updateProduct(principal: Principal, id: string, patch: UpdateProductBody, now = new Date()): Promise<ProductOut> {
    const merchantId = principal.merchantId;
    return this.deps.db.transaction(async (tx) => {
      const current = found(await tx.findOneBy(Product, { id, merchantId }), 'product');
      const tree = await this.tree(merchantId, tx);
      if (patch.categoryId) found(tree.byId.get(patch.categoryId), 'category');
      const groupIds = patch.groupIds === undefined ? undefined : await this.checkGroups(tx, merchantId, patch.groupIds);
      const next: Product = {
        ...current,
        name: patch.name ?? current.name,
        categoryId: patch.categoryId === undefined ? current.categoryId : patch.categoryId,
        weighed: patch.weighed ?? current.weighed,
        earningExclusion: patch.earningExclusion === undefined ? current.earningExclusion : patch.earningExclusion,
        shelfPriceMinor: patch.shelfPriceMinor === undefined ? current.shelfPriceMinor : patch.shelfPriceMinor,
        updatedAt: now,
      };
      const { id: _id, merchantId: _m, ...fields } = next;
      await tx.update(Product, { id, merchantId }, fields);
      if (patch.barcodes !== undefined) await this.setBarcodes(tx, next, unique(patch.barcodes), true);
      if (groupIds !== undefined) await this.setGroups(tx, next, groupIds, true);
      await audit(tx, merchantId, principal, { action: 'product.update', entity: 'product', entityId: id, data: { changed: Object.keys(patch) } }, now);
      return (await this.views(tx, [next], tree))[0];
    });
  }

  // ---- categories ----

  async categories(principal: Principal): Promise<CategoryOut[]> {
    const merchantId = principal.merchantId;
    const tree = await this.tree(merchantId);
    const counts = await this.deps.db.manager
      .createQueryBuilder(Product, 'p')
      .select('p.category_id', 'categoryId')
      .addSelect('COUNT(*)', 'n')
      .where('p.merchant_id = :merchantId AND p.category_id IS NOT NULL', { merchantId })
      .groupBy('p.category_id')
      .getRawMany<{ categoryId: string; n: unknown }>();
    const byCategory = new Map(counts.map((c) => [c.categoryId, toInt(c.n)]));
    return [...tree.byId.values()]
      .map((c) => ({ id: c.id, name: c.name, parentId: c.parentId, path: pathOf(c.id, tree.byId), products: byCategory.get(c.id) ?? 0 }))
      .sort((a, b) => a.path.join('\u0000').localeCompare(b.path.join('\u0000')));
  }

  async createCategory(principal: Principal, input: { name: string; parentId: string | null }, now = new Date()): Promise<CategoryOut> {
    const merchantId = principal.merchantId;
    const category = await this.deps.db.transaction(async (tx) => {
      const tree = await this.loadTree(tx, merchantId);
      if (input.parentId) found(tree.byId.get(input.parentId), 'category');
      const problem = moveProblem(null, input.parentId, tree.byId);
      if (problem) throw new AppError('VALIDATION_FAILED', problem, [{ path: 'body.parentId', message: problem }]);
      const row: ProductCategory = { id: newId(now.getTime()), merchantId, name: input.name, nameKey: keyOf(input.name), parentId: input.parentId, createdAt: now, updatedAt: now };
      await this.checkCategoryNameFree(tree, row.nameKey, null);
      await tx.insert(ProductCategory, row);
      await audit(tx, merchantId, principal, { action: 'category.create', entity: 'category', entityId: row.id, data: { name: row.name, parentId: row.parentId } }, now);
      return row;
    });
    this.trees.delete(merchantId);
    const tree = await this.tree(merchantId);
    return { id: category.id, name: category.name, parentId: category.parentId, path: pathOf(category.id, tree.byId), products: 0 };
  }

  async updateCategory(principal: Principal, id: string, patch: UpdateCategoryBody, now = new Date()): Promise<CategoryOut> {
    const merchantId = principal.merchantId;
    await this.deps.db.transaction(async (tx) => {
      const tree = await this.loadTree(tx, merchantId);
      const current = found(tree.byId.get(id), 'category');
      const parentId = patch.parentId === undefined ? current.parentId : patch.parentId;
      if (patch.parentId) found(tree.byId.get(patch.parentId), 'category');
      const problem = moveProblem(id, parentId, tree.byId);
      if (problem) throw new AppError('VALIDATION_FAILED', problem, [{ path: 'body.parentId', message: problem }]);
      const name = patch.name ?? current.name;
      await this.checkCategoryNameFree(tree, keyOf(name), id);
      await tx.update(ProductCategory, { id, merchantId }, { name, nameKey: keyOf(name), parentId, updatedAt: now });
      await audit(tx, merchantId, principal, { action: 'category.update', entity: 'category', entityId: id, data: { name, parentId } }, now);
    });
    this.trees.delete(merchantId);
    return found((await this.categories(principal)).find((c) => c.id === id), 'category');
  }

  // ---- groups ----

  async groups(principal: Principal): Promise<GroupOut[]> {
    const merchantId = principal.merchantId;
    const rows = await this.deps.db.manager
      .createQueryBuilder(ProductGroup, 'g')
      .leftJoin(ProductGroupMember, 'm', 'm.group_id = g.id')
      .select(['g.id AS id', 'g.code AS code', 'g.name AS name'])
      .addSelect('COUNT(m.product_id)', 'products')
      .where('g.merchant_id = :merchantId', { merchantId })
      .groupBy('g.id')
      .addGroupBy('g.code')
      .addGroupBy('g.name')
      .orderBy('g.name', 'ASC')
      .addOrderBy('g.id', 'ASC')
      .getRawMany<{ id: string; code: string; name: string; products: unknown }>();
    return rows.map((r) => ({ id: r.id, code: r.code, name: r.name, products: toInt(r.products) }));
  }

  async createGroup(principal: Principal, input: { code: string; name: string }, now = new Date()): Promise<GroupOut> {
    const merchantId = principal.merchantId;
    const group: ProductGroup = { id: newId(now.getTime()), merchantId, code: input.code, name: input.name, createdAt: now, updatedAt: now };
    await this.deps.db.transaction(async (tx) => {
      if (await tx.existsBy(ProductGroup, { merchantId, code: input.code })) throw new AppError('CONFLICT', `A group with the code ${input.code} exists`, [{ path: 'body.code', message: 'already used' }]);
      await tx.insert(ProductGroup, group);
      await audit(tx, merchantId, principal, { action: 'product_group.create', entity: 'product_group', entityId: group.id, data: { code: group.code, name: group.name } }, now);
    });
    return { id: group.id, code: group.code, name: group.name, products: 0 };
  }

  async updateGroup(principal: Principal, id: string, input: { name: string }, now = new Date()): Promise<GroupOut> {
    const merchantId = principal.merchantId;
    await this.deps.db.transaction(async (tx) => {
      found(await tx.findOneBy(ProductGroup, { id, merchantId }), 'product group');
      await tx.update(ProductGroup, { id, merchantId }, { name: input.name, updatedAt: now });
      await audit(tx, merchantId, principal, { action: 'product_group.update', entity: 'product_group', entityId: id, data: { name: input.name } }, now);
    });
    return found((await this.groups(principal)).find((g) => g.id === id), 'product group');
  }

  // ---- the till ----

  /**
   * The products of the codes a till sent (its lines' SKUs), by SKU, else by
   * barcode (a till that sends the scanned EAN as the SKU). A code that
   * names no product is absent from the answer. Reads through `tx` when a
   * sale's transaction is open.
   */
  async resolve(merchantId: string, codes: readonly string[], tx: EntityManager = this.deps.db.manager): Promise<Map<string, ResolvedProduct>> {
    const wanted = unique(codes);
    const resolved = new Map<string, ResolvedProduct>();
    if (wanted.length === 0) return resolved;
    const byCode = new Map<string, Product>();
    for (const part of chunks(wanted)) for (const p of await tx.findBy(Product, { merchantId, sku: In(part) })) byCode.set(p.sku, p);
    const missing = wanted.filter((c) => !byCode.has(c));
    for (const part of chunks(missing)) {
      const barcodes = await tx.findBy(ProductBarcode, { merchantId, barcode: In(part) });
      const products = barcodes.length ? await tx.findBy(Product, { merchantId, id: In(barcodes.map((b) => b.productId)) }) : [];
      for (const b of barcodes) {
        const product = products.find((p) => p.id === b.productId);
        if (product) byCode.set(b.barcode, product);
      }
    }
    if (byCode.size === 0) return resolved;
    const tree = await this.tree(merchantId, tx);
    const groups = await this.groupCodesOf(tx, [...new Set([...byCode.values()].map((p) => p.id))]);
    for (const [code, p] of byCode) {
      const [own, ...ancestors] = lineage(p.categoryId, tree.byId);
      resolved.set(code, {
        productId: p.id,
        sku: p.sku,
        name: p.name,
        category: own?.name ?? null,
        ancestors: ancestors.map((c) => c.name),
        groups: groups.get(p.id) ?? [],
        weighed: p.weighed,
        earnsPoints: p.earningExclusion === null,
        shelfPriceMinor: p.shelfPriceMinor,
      });
    }
    return resolved;
  }

  /** Basket lines with what the catalogue knows of their products (`withProduct`), in one lookup for the basket. */
  async withProducts<L extends ProductLineFields>(merchantId: string, lines: readonly L[], tx: EntityManager = this.deps.db.manager): Promise<L[]> {
    const products = await this.resolve(merchantId, lines.map((l) => l.sku), tx);
    return lines.map((l) => withProduct(l, products.get(l.sku)));
  }

  /** A scanned barcode or a typed SKU, as the till adds it to a basket; 404 if no product has it. */
  async findForTill(merchantId: string, code: string): Promise<TillProduct> {
    return tillView(found((await this.resolve(merchantId, [code])).get(code), 'product'));
  }

  /** Products whose name contains `q` or whose SKU starts with it, by name; at most TILL_SEARCH_LIMIT. */
  async searchForTill(merchantId: string, q: string): Promise<TillProduct[]> {
    const rows = await this.deps.db.manager
      .createQueryBuilder(Product, 'p')
      .select('p.sku', 'sku')
      .where('p.merchant_id = :merchantId', { merchantId })
      .andWhere("(p.name LIKE :contains ESCAPE '!' OR p.sku LIKE :prefix ESCAPE '!')", { contains: `%${escapeLike(q)}%`, prefix: `${escapeLike(q)}%` })
      .orderBy('p.name', 'ASC')
      .addOrderBy('p.id', 'ASC')
      .limit(TILL_SEARCH_LIMIT)
      .getRawMany<{ sku: string }>();
    const resolved = await this.resolve(merchantId, rows.map((r) => r.sku));
    return rows.flatMap((r) => {
      const product = resolved.get(r.sku);
      return product ? [tillView(product)] : [];
    });
  }

  // ---- filled from sales and files ----

  /**
   * Creates a product for every SKU sold that the catalogue does not know
   * (neither as a SKU nor as a barcode), named by the line's description and
   * filed under the line's category (created at the top of the tree if
   * new). Idempotent: a known SKU is left as it is, and a product created
   * meanwhile by another process is not created twice. Returns how many
   * products it created.
   */
  async learn(merchantId: string, items: readonly SoldItem[], now = new Date()): Promise<number> {
    const bySku = new Map<string, SoldItem>();
    for (const item of items) if (!bySku.has(item.sku)) bySku.set(item.sku, item);
    if (bySku.size === 0) return 0;
    const created = await this.deps.db.transaction(async (tx) => {
      const known = await this.knownCodes(tx, merchantId, [...bySku.keys()]);
      let count = 0;
      for (const item of bySku.values()) {
        if (known.has(item.sku)) continue;
        const categoryId = item.category ? await this.ensureCategoryPath(tx, merchantId, [item.category], now) : null;
        const name = (item.description?.trim() || item.sku).slice(0, 200);
        if (await this.insertProduct(tx, { id: newId(now.getTime()), merchantId, sku: item.sku, name, categoryId, weighed: false, earningExclusion: null, shelfPriceMinor: null, source: 'learned', createdAt: now, updatedAt: now })) count++;
      }
      return count;
    });
    this.trees.delete(merchantId);
    return created;
  }

  /**
   * Writes a batch of imported product rows in `tx`: a SKU the catalogue
   * has is left as it is (`existing`), so a second run adds nothing; a new
   * one is created with its barcodes, its category path (missing categories
   * are created under their parents) and its groups (created by code if
   * new). A barcode another product has refuses the row.
   */
  async importBatch(tx: EntityManager, merchantId: string, rows: readonly ImportedProduct[], now = new Date()): Promise<ProductImportOutcome[]> {
    const known = await this.knownCodes(tx, merchantId, rows.map((r) => r.sku));
    const takenBarcodes = new Map((await this.barcodesIn(tx, merchantId, rows.flatMap((r) => r.barcodes))).map((b) => [b.barcode, b.productId]));
    const outcomes: ProductImportOutcome[] = [];
    const seen = new Set<string>();
    for (const r of rows) {
      if (known.has(r.sku) || seen.has(r.sku)) {
        outcomes.push('existing');
        continue;
      }
      const taken = r.barcodes.find((b) => takenBarcodes.has(b));
      if (taken) {
        outcomes.push([{ row: r.row, field: 'barcodes', message: `barcode ${taken} belongs to another product` }]);
        continue;
      }
      seen.add(r.sku);
      const product: Product = {
        id: newId(now.getTime()),
        merchantId,
        sku: r.sku,
        name: r.name,
        categoryId: r.categoryPath.length ? await this.ensureCategoryPath(tx, merchantId, r.categoryPath, now) : null,
        weighed: r.weighed,
        earningExclusion: r.earningExclusion,
        shelfPriceMinor: r.shelfPriceMinor,
        source: 'import',
        createdAt: now,
        updatedAt: now,
      };
      await tx.insert(Product, product);
      await this.setBarcodes(tx, product, r.barcodes, false);
      for (const b of r.barcodes) takenBarcodes.set(b, product.id);
      const groupIds: string[] = [];
      for (const code of r.groupCodes) groupIds.push(await this.ensureGroup(tx, merchantId, code, now));
      await this.setGroups(tx, product, unique(groupIds), false);
      outcomes.push('created');
    }
    this.trees.delete(merchantId);
    return outcomes;
  }

  // ---- inside ----

  private async tree(merchantId: string, tx: EntityManager = this.deps.db.manager): Promise<Readonly<Tree>> {
    return this.trees.get(merchantId, () => this.loadTree(tx, merchantId));
  }

  private async loadTree(tx: EntityManager, merchantId: string): Promise<Tree> {
    const rows = await tx.findBy(ProductCategory, { merchantId });
    return { byId: new Map(rows.map((c) => [c.id, c])), byKey: new Map(rows.map((c) => [c.nameKey, c])) };
  }

  /** The category of this path, creating what is missing: each name is found by its key anywhere in the tree (keys are unique), else created under the previous one. */
  private async ensureCategoryPath(tx: EntityManager, merchantId: string, names: readonly string[], now: Date): Promise<string> {
    let parentId: string | null = null;
    for (const name of names) {
      const key = keyOf(name);
      let category = await tx.findOneBy(ProductCategory, { merchantId, nameKey: key });
      if (!category) {
        const tree = await this.loadTree(tx, merchantId);
        // A path deeper than the tree allows is filed at the deepest level it may reach.
        if (moveProblem(null, parentId, tree.byId)) return parentId as string;
        await tx
          .createQueryBuilder()
          .insert()
          .into(ProductCategory)
          .values({ id: newId(now.getTime()), merchantId, name: name.slice(0, 100), nameKey: key, parentId, createdAt: now, updatedAt: now })
          .orIgnore()
          .execute();
        category = found(await tx.findOneBy(ProductCategory, { merchantId, nameKey: key }), 'category');
      }
      parentId = category.id;
    }
    return parentId as string;
  }

  private async ensureGroup(tx: EntityManager, merchantId: string, code: string, now: Date): Promise<string> {
    const existing = await tx.findOneBy(ProductGroup, { merchantId, code });
    if (existing) return existing.id;
    await tx.createQueryBuilder().insert().into(ProductGroup).values({ id: newId(now.getTime()), merchantId, code, name: code, createdAt: now, updatedAt: now }).orIgnore().execute();
    return found(await tx.findOneBy(ProductGroup, { merchantId, code }), 'product group').id;
  }

  /** Inserts unless the SKU exists (a concurrent learner or import); true if this call created it. */
  private async insertProduct(tx: EntityManager, product: Product): Promise<boolean> {
    const result = await tx.createQueryBuilder().insert().into(Product).values(product).orIgnore().execute();
    const affected = (result.raw as { affectedRows?: number; changes?: number } | undefined) ?? {};
    if (affected.affectedRows !== undefined) return affected.affectedRows > 0;
    if (affected.changes !== undefined) return affected.changes > 0;
    return (await tx.findOneBy(Product, { merchantId: product.merchantId, sku: product.sku }))?.id === product.id;
  }

  /** Codes the catalogue knows, as SKUs or barcodes. */
  private async knownCodes(tx: EntityManager, merchantId: string, codes: readonly string[]): Promise<Set<string>> {
    const known = new Set<string>();
    for (const part of chunks(unique(codes))) {
      for (const p of await tx.find(Product, { select: { sku: true }, where: { merchantId, sku: In(part) } })) known.add(p.sku);
    }
    for (const b of await this.barcodesIn(tx, merchantId, codes)) known.add(b.barcode);
    return known;
  }

  private async barcodesIn(tx: EntityManager, merchantId: string, codes: readonly string[]): Promise<ProductBarcode[]> {
    const rows: ProductBarcode[] = [];
    for (const part of chunks(unique(codes))) rows.push(...(await tx.findBy(ProductBarcode, { merchantId, barcode: In(part) })));
    return rows;
  }

  private async checkSkuFree(tx: EntityManager, merchantId: string, sku: string): Promise<void> {
    if (await tx.existsBy(Product, { merchantId, sku })) throw new AppError('CONFLICT', `A product with the SKU ${sku} exists`, [{ path: 'body.sku', message: 'already used' }]);
  }

  private async checkCategoryNameFree(tree: Tree, key: string, self: string | null): Promise<void> {
    const other = tree.byKey.get(key);
    if (other && other.id !== self) throw new AppError('CONFLICT', `A category named ${other.name} exists`, [{ path: 'body.name', message: 'already used' }]);
  }

  /** The merchant's groups of these ids, in order; an unknown id is a 404. */
  private async checkGroups(tx: EntityManager, merchantId: string, ids: readonly string[]): Promise<string[]> {
    const wanted = unique(ids);
    if (wanted.length === 0) return [];
    const rows = await tx.findBy(ProductGroup, { merchantId, id: In(wanted) });
    if (rows.length !== wanted.length) found(null, 'product group');
    return wanted;
  }

  private async setBarcodes(tx: EntityManager, product: Product, barcodes: readonly string[], replace: boolean): Promise<void> {
    if (replace) await tx.delete(ProductBarcode, { merchantId: product.merchantId, productId: product.id });
    const taken = await this.barcodesIn(tx, product.merchantId, barcodes);
    if (taken.length) throw new AppError('CONFLICT', `The barcode ${taken[0].barcode} belongs to another product`, [{ path: 'body.barcodes', message: `${taken[0].barcode} is used` }]);
    if (barcodes.length) await tx.insert(ProductBarcode, barcodes.map((barcode) => ({ merchantId: product.merchantId, barcode, productId: product.id })));
  }

  private async setGroups(tx: EntityManager, product: Product, groupIds: readonly string[], replace: boolean): Promise<void> {
    if (replace) await tx.delete(ProductGroupMember, { merchantId: product.merchantId, productId: product.id });
    if (groupIds.length) await tx.insert(ProductGroupMember, groupIds.map((groupId) => ({ groupId, productId: product.id, merchantId: product.merchantId })));
  }

  private async groupCodesOf(tx: EntityManager, productIds: readonly string[]): Promise<Map<string, string[]>> {
    const byProduct = new Map<string, string[]>();
    for (const part of chunks(productIds)) {
      const rows = await tx
        .createQueryBuilder(ProductGroupMember, 'm')
        .innerJoin(ProductGroup, 'g', 'g.id = m.group_id')
        .select('m.product_id', 'productId')
        .addSelect('g.code', 'code')
        .where('m.product_id IN (:...part)', { part })
        .orderBy('g.code', 'ASC')
        .getRawMany<{ productId: string; code: string }>();
      for (const r of rows) byProduct.set(r.productId, [...(byProduct.get(r.productId) ?? []), r.code]);
    }
    return byProduct;
  }

  private async views(tx: EntityManager, products: readonly Product[], tree: Readonly<Tree>): Promise<ProductOut[]> {
    const ids = products.map((p) => p.id);
    if (ids.length === 0) return [];
    const barcodes = await tx.find(ProductBarcode, { where: { productId: In(ids) }, order: { barcode: 'ASC' } });
    const groups = await tx
      .createQueryBuilder(ProductGroupMember, 'm')
      .innerJoin(ProductGroup, 'g', 'g.id = m.group_id')
      .select(['m.product_id AS productId', 'g.id AS id', 'g.code AS code', 'g.name AS name'])
      .where('m.product_id IN (:...ids)', { ids })
      .orderBy('g.name', 'ASC')
      .getRawMany<{ productId: string; id: string; code: string; name: string }>();
    return products.map((p) => ({
      id: p.id,
      sku: p.sku,
      name: p.name,
      barcodes: barcodes.filter((b) => b.productId === p.id).map((b) => b.barcode),
      categoryId: p.categoryId,
      categoryPath: pathOf(p.categoryId, tree.byId as ReadonlyMap<string, CategoryNode>),
      weighed: p.weighed,
      earningExclusion: p.earningExclusion,
      shelfPriceMinor: p.shelfPriceMinor,
      groups: groups.filter((g) => g.productId === p.id).map((g) => ({ id: g.id, code: g.code, name: g.name })),
      source: p.source as ProductSource,
      createdAt: p.createdAt.toISOString(),
      updatedAt: p.updatedAt.toISOString(),
    }));
  }
}

function tillView(p: ResolvedProduct): TillProduct {
  return { sku: p.sku, name: p.name, category: p.category, ancestors: p.ancestors, groups: p.groups, weighed: p.weighed, earnsPoints: p.earnsPoints, shelfPriceMinor: p.shelfPriceMinor };
}

function keyOf(name: string): string {
  return categoryKey(name) ?? name;
}

/** Escapes LIKE wildcards with '!' (SQLite has no default escape character). */
function escapeLike(value: string): string {
  return value.replace(/[!%_]/g, '!$&');
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

function chunks<T>(values: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += CHUNK) out.push(values.slice(i, i + CHUNK));
  return out;
}
