import type { Api } from '../http/api';
import { ALL_STAFF, MANAGERS } from '../http/principal';
import { route } from '../http/route';
import type { CatalogueService } from './catalogue.service';
import {
  CategoryList,
  CategoryOut,
  CategoryParams,
  CreateCategoryBody,
  CreateGroupBody,
  CreateProductBody,
  GroupList,
  GroupOut,
  GroupParams,
  ProductList,
  ProductListQuery,
  ProductOut,
  ProductParams,
  UpdateCategoryBody,
  UpdateGroupBody,
  UpdateProductBody,
} from './catalogue.schemas';

/**
 * The back office's catalogue: every staff member may read it, owners and
 * managers change it. The till's product lookups are in the till module
 * (`/v1/pos/products`), the CSV import in imports (`/v1/imports/products`).
 */
export function catalogueRoutes(api: Api<{ catalogue: CatalogueService }>): void {
  const { catalogue } = api.services;
  const read = { staff: ALL_STAFF };
  const write = { staff: MANAGERS };
  const tag = 'catalogue';

  route(api, {
    method: 'get',
    path: '/v1/products',
    summary: 'Products by name, with their barcodes, category and groups; search by name, SKU or barcode, filter by category (with its subcategories) or group',
    tag,
    access: read,
    query: ProductListQuery,
    response: ProductList,
    handler: async ({ principal, query }) => catalogue.listProducts(principal, query),
  });

  route(api, {
    method: 'post',
    path: '/v1/products',
    summary: 'Create a product',
    tag,
    access: write,
    body: CreateProductBody,
    response: ProductOut,
    status: 201,
    handler: async ({ principal, body }) => catalogue.createProduct(principal, body),
  });

  route(api, {
    method: 'get',
    path: '/v1/products/:productId',
    summary: 'One product',
    tag,
    access: read,
    params: ProductParams,
    response: ProductOut,
    handler: async ({ principal, params }) => catalogue.getProduct(principal, params.productId),
  });

  route(api, {
    method: 'patch',
    path: '/v1/products/:productId',
    summary: 'Change a product (barcodes and groups given are the new full lists)',
    tag,
    access: write,
    params: ProductParams,
    body: UpdateProductBody,
    response: ProductOut,
    handler: async ({ principal, params, body }) => catalogue.updateProduct(principal, params.productId, body),
  });

  route(api, {
    method: 'get',
    path: '/v1/product-categories',
    summary: 'The category tree: every category with its parent and path, in path order',
    tag,
    access: read,
    response: CategoryList,
    handler: async ({ principal }) => ({ items: await catalogue.categories(principal) }),
  });

  route(api, {
    method: 'post',
    path: '/v1/product-categories',
    summary: 'Create a category, at the top or under a parent (names are unique per merchant)',
    tag,
    access: write,
    body: CreateCategoryBody,
    response: CategoryOut,
    status: 201,
    handler: async ({ principal, body }) => catalogue.createCategory(principal, body),
  });

  route(api, {
    method: 'patch',
    path: '/v1/product-categories/:categoryId',
    summary: 'Rename a category or move it under another parent (not under itself)',
    tag,
    access: write,
    params: CategoryParams,
    body: UpdateCategoryBody,
    response: CategoryOut,
    handler: async ({ principal, params, body }) => catalogue.updateCategory(principal, params.categoryId, body),
  });

  route(api, {
    method: 'get',
    path: '/v1/product-groups',
    summary: 'Product groups (mix & match) with how many products each has',
    tag,
    access: read,
    response: GroupList,
    handler: async ({ principal }) => ({ items: await catalogue.groups(principal) }),
  });

  route(api, {
    method: 'post',
    path: '/v1/product-groups',
    summary: 'Create a product group; offers name it by its code',
    tag,
    access: write,
    body: CreateGroupBody,
    response: GroupOut,
    status: 201,
    handler: async ({ principal, body }) => catalogue.createGroup(principal, body),
  });

  route(api, {
    method: 'patch',
    path: '/v1/product-groups/:groupId',
    summary: 'Rename a product group (its code stays: offers name it)',
    tag,
    access: write,
    params: GroupParams,
    body: UpdateGroupBody,
    response: GroupOut,
    handler: async ({ principal, params, body }) => catalogue.updateGroup(principal, params.groupId, body),
  });
}
