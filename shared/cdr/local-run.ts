/**
 * The CDR pipeline's local run (`npm start`, `orion generate`), as the local tools load it from
 * the definition's `localRun.module`: raw CDRs over the chosen countries as the load, hot-storage
 * schema and reference data prepared before the stages start, and storage read back to account
 * for every CDR (see `LocalRunModule` in `shared/pipeline/local-run.ts`).
 */
import type { LocalRunModule } from '../pipeline/local-run.ts';
import { createCdrLoad } from './local/cdr-load.ts';
import { openCdrStores } from './local/cdr-stores.ts';

/** What `npm start` and `orion generate` use for the CDR pipeline. */
export const localRun: LocalRunModule = {
  labels: {
    record: 'CDR',
    landed: 'stored',
    landedUnits: 'rows in cdr_lookup_by_id',
    latency: 'raw produce → stored',
    samples: 'sample stored rows (cdr_lookup_by_id → cdr_by_subscriber_day_v2, IMSI/MSISDN masked)',
  },
  options: [
    {
      flags: '--countries <list>',
      description: 'comma-separated country codes, or "all"',
      defaultValue: 'all',
    },
  ],
  createLoad: createCdrLoad,
  openStores: openCdrStores,
};
