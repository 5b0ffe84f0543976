import type { Deps } from '../deps';
import { defineModule } from '../module';
import { catalogueRoutes } from './catalogue.routes';
import { CatalogueService } from './catalogue.service';
import { ProductBarcode } from './product-barcode.entity';
import { ProductCategory } from './product-category.entity';
import { ProductGroup, ProductGroupMember } from './product-group.entity';
import { Product } from './product.entity';

/** The product catalogue per merchant: products, barcodes, the category tree, product groups (docs/ARCHITECTURE.md). */
export const catalogueModule = defineModule({
  name: 'catalogue',
  entities: [Product, ProductBarcode, ProductCategory, ProductGroup, ProductGroupMember],
  uses: [],
  create: (deps: Deps) => ({ catalogue: new CatalogueService(deps) }),
  routes: catalogueRoutes,
});
