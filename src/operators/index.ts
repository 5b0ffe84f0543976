import type { OperatorsService } from './operators.service';

export type { OperatorsService };
