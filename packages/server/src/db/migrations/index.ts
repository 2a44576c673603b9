import type { Migration } from 'kysely';
import * as m0001 from './0001-core.js';
import * as m0002 from './0002-approvals.js';
import * as m0003 from './0003-jobs.js';
import * as m0004 from './0004-flags.js';
import * as m0005 from './0005-audit-actor-type.js';
import * as m0006 from './0006-deployments.js';
import * as m0007 from './0007-execution-queue.js';

/**
 * Append-only: a released migration is never edited, a change is a new file. Names sort in
 * order of application.
 */
export const migrations: Record<string, Migration> = {
  '0001-core': m0001,
  '0002-approvals': m0002,
  '0003-jobs': m0003,
  '0004-flags': m0004,
  '0005-audit-actor-type': m0005,
  '0006-deployments': m0006,
  '0007-execution-queue': m0007,
};
