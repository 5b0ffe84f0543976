import { Foundation1700000000000 } from './1700000000000-foundation';

/** Every migration, in order. Explicit imports survive bundling; never edit one that has landed. */
export const migrations = [Foundation1700000000000];
