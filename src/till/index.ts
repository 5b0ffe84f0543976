import type { TillContext, TillService } from './till.service';

// The till protocol's request and response shapes (also used by the POS plugin and the web terminal).
export * from './till.schemas';
export type { TillContext, TillService };
