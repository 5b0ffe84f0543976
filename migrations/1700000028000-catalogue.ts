import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { columns } from '../src/db/columns';
import { dialectOf, mysqlTableOptions } from './util';

/**
 * The product catalogue per merchant (issue 9, item 1): a category tree,
 * products with their barcodes, and product groups (mix & match) with their
 * members. Categories and groups are unique per merchant by their key (the
 * name as `categoryKey` compares it; a group's code), products by SKU and
 * barcodes by code, so the till resolves a scanned code to one product.
 */
export class Catalogue1700000028000 implements MigrationInterface {
  name = 'Catalogue1700000028000';

  async up(q: QueryRunner): Promise<void> {
    const c = columns(dialectOf(q));
    const opts = mysqlTableOptions(q);
    const merchantFk = { columnNames: ['merchant_id'], referencedTableName: 'merchants', referencedColumnNames: ['id'] };
    await q.createTable(
      new Table({
        name: 'product_categories',
        ...opts,
        columns: [c.id(), c.ref('merchant_id'), c.string('name', 100), c.string('name_key', 100), c.ref('parent_id', true), c.timestamp('created_at'), c.timestamp('updated_at')],
        foreignKeys: [merchantFk, { columnNames: ['parent_id'], referencedTableName: 'product_categories', referencedColumnNames: ['id'] }],
        uniques: [{ name: 'uq_product_categories_key', columnNames: ['merchant_id', 'name_key'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'products',
        ...opts,
        columns: [
          c.id(),
          c.ref('merchant_id'),
          c.string('sku', 64),
          c.string('name', 200),
          c.ref('category_id', true),
          c.bool('weighed', false),
          c.string('earning_exclusion', 16, true),
          c.bigint('shelf_price_minor', undefined, true),
          c.string('source', 16),
          c.timestamp('created_at'),
          c.timestamp('updated_at'),
        ],
        foreignKeys: [merchantFk, { columnNames: ['category_id'], referencedTableName: 'product_categories', referencedColumnNames: ['id'] }],
        uniques: [{ name: 'uq_products_sku', columnNames: ['merchant_id', 'sku'] }],
        // The back office lists and searches by name, and by category.
        indices: [
          { name: 'ix_products_name', columnNames: ['merchant_id', 'name'] },
          { name: 'ix_products_category', columnNames: ['merchant_id', 'category_id'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'product_barcodes',
        ...opts,
        columns: [{ ...c.ref('merchant_id'), isPrimary: true }, { ...c.string('barcode', 64), isPrimary: true }, c.ref('product_id')],
        foreignKeys: [{ columnNames: ['product_id'], referencedTableName: 'products', referencedColumnNames: ['id'] }],
        indices: [{ name: 'ix_product_barcodes_product', columnNames: ['product_id'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'product_groups',
        ...opts,
        columns: [c.id(), c.ref('merchant_id'), c.string('code', 64), c.string('name', 100), c.timestamp('created_at'), c.timestamp('updated_at')],
        foreignKeys: [merchantFk],
        uniques: [{ name: 'uq_product_groups_code', columnNames: ['merchant_id', 'code'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'product_group_members',
        ...opts,
        columns: [{ ...c.ref('group_id'), isPrimary: true }, { ...c.ref('product_id'), isPrimary: true }, c.ref('merchant_id')],
        foreignKeys: [
          { columnNames: ['group_id'], referencedTableName: 'product_groups', referencedColumnNames: ['id'] },
          { columnNames: ['product_id'], referencedTableName: 'products', referencedColumnNames: ['id'] },
        ],
        // The till reads the groups of the basket's products.
        indices: [{ name: 'ix_product_group_members_product', columnNames: ['product_id'] }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('product_group_members');
    await q.dropTable('product_groups');
    await q.dropTable('product_barcodes');
    await q.dropTable('products');
    await q.dropTable('product_categories');
  }
}
