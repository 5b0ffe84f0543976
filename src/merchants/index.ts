import type { Merchant } from './merchant.entity';
import type { MerchantInput as MerchantFields, MerchantsService, Page } from './merchants.service';
import type { StaffService } from './staff.service';
import type { Store } from './store.entity';
import type { TerminalsService } from './terminals.service';

export { storeLimit } from './merchants.service';
export { Email, MerchantInput, MerchantOut, PageQuery, pageSchema, Password, StaffOut } from './merchants.schemas';
export { merchantView, staffView } from './views';
export type { Merchant, MerchantFields, MerchantsService, Page, StaffService, Store, TerminalsService };
