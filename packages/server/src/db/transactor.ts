import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * Runs a unit of work against stores that share one transaction. A module builds one with the
 * stores its use cases need; the service never sees SQL.
 */
export interface Transactor<Stores> {
  run<T>(work: (stores: Stores) => Promise<T>): Promise<T>;
}

export function kyselyTransactor<Stores>(
  db: Kysely<Database>,
  makeStores: (executor: Kysely<Database>) => Stores,
): Transactor<Stores> {
  return {
    run: (work) => db.transaction().execute((trx) => work(makeStores(trx))),
  };
}
