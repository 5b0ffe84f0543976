import type { CatalogueService, ImportedProduct, ProductImportOutcome, ResolvedProduct, SoldItem } from './catalogue.service';

export { splitCategoryPath } from './category-tree';
export { TillProduct, TillProductList, TillProductParams, TillProductSearchQuery } from './catalogue.schemas';
export { EARNING_EXCLUSIONS, type EarningExclusion } from './catalogue.schemas';
export type { CatalogueService, ImportedProduct, ProductImportOutcome, ResolvedProduct, SoldItem };
export { withProduct, type ProductLineFields } from './product-lines';
