/**
 * Every country's feed format, by country code. Adding a country = adding its mapping file
 * under `countries/` and one line here (and its code in `shared/pipeline`).
 */
import type { CountryCode } from '../countries.ts';
import { BE_FORMAT } from './countries/be.ts';
import { CI_FORMAT } from './countries/ci.ts';
import { CM_FORMAT } from './countries/cm.ts';
import { EG_FORMAT } from './countries/eg.ts';
import { FR_FORMAT } from './countries/fr.ts';
import { MA_FORMAT } from './countries/ma.ts';
import { MG_FORMAT } from './countries/mg.ts';
import { PL_FORMAT } from './countries/pl.ts';
import { SN_FORMAT } from './countries/sn.ts';
import { TN_FORMAT } from './countries/tn.ts';
import type { CountryFormat } from './types.ts';

/** The feed format of each country. */
export const COUNTRY_FORMATS: Readonly<Record<CountryCode, CountryFormat>> = {
  fr: FR_FORMAT,
  be: BE_FORMAT,
  ma: MA_FORMAT,
  tn: TN_FORMAT,
  pl: PL_FORMAT,
  eg: EG_FORMAT,
  ci: CI_FORMAT,
  sn: SN_FORMAT,
  cm: CM_FORMAT,
  mg: MG_FORMAT,
};
