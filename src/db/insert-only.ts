import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';

/**
 * Inserts rows whose every column is set, without TypeORM's read-back of
 * defaulted and generated columns (a SELECT per insert on MySQL).
 */
export async function insertOnly<T extends ObjectLiteral>(tx: EntityManager, entity: EntityTarget<T>, rows: T | T[]): Promise<void> {
  await tx
    .createQueryBuilder()
    .insert()
    .into(entity)
    .values(rows as QueryDeepPartialEntity<T> | QueryDeepPartialEntity<T>[])
    .updateEntity(false)
    .execute();
}
