/**
 * Facts used to synthesize reference data and traffic per country: regions, a map centre and
 * the leading digits of mobile national significant numbers (NSN).
 */
import type { CountryCode } from '../countries.ts';

/** What the synthetic data of a country looks like. */
export interface CountryProfile {
  readonly regions: readonly string[];
  readonly centre: { readonly latitude: number; readonly longitude: number };
  /** Leading digits of mobile NSNs; the rest is random up to the NSN length. */
  readonly mobilePrefixes: readonly string[];
  readonly mobileNsnLength: number;
}

/** Profiles of ORION's countries. */
export const COUNTRY_PROFILES: Readonly<Record<CountryCode, CountryProfile>> = {
  fr: {
    regions: [
      'Ile-de-France',
      'Auvergne-Rhone-Alpes',
      "Provence-Alpes-Cote d'Azur",
      'Occitanie',
      'Hauts-de-France',
    ],
    centre: { latitude: 46.6, longitude: 2.4 },
    mobilePrefixes: ['6', '7'],
    mobileNsnLength: 9,
  },
  be: {
    regions: ['Brussels', 'Flanders', 'Wallonia'],
    centre: { latitude: 50.6, longitude: 4.5 },
    mobilePrefixes: ['47', '48', '49'],
    mobileNsnLength: 9,
  },
  ma: {
    regions: [
      'Casablanca-Settat',
      'Rabat-Sale-Kenitra',
      'Marrakech-Safi',
      'Fes-Meknes',
      'Tanger-Tetouan-Al Hoceima',
    ],
    centre: { latitude: 32.0, longitude: -6.8 },
    mobilePrefixes: ['6', '7'],
    mobileNsnLength: 9,
  },
  tn: {
    regions: ['Tunis', 'Sfax', 'Sousse', 'Nabeul', 'Bizerte'],
    centre: { latitude: 35.5, longitude: 9.8 },
    mobilePrefixes: ['2', '5', '9'],
    mobileNsnLength: 8,
  },
  pl: {
    regions: ['Mazowieckie', 'Malopolskie', 'Slaskie', 'Wielkopolskie', 'Pomorskie'],
    centre: { latitude: 52.0, longitude: 19.4 },
    mobilePrefixes: ['50', '51', '53', '60', '66', '69', '72', '78', '79', '88'],
    mobileNsnLength: 9,
  },
  eg: {
    regions: ['Cairo', 'Giza', 'Alexandria', 'Qalyubia', 'Dakahlia'],
    centre: { latitude: 30.0, longitude: 31.2 },
    mobilePrefixes: ['10', '11', '12', '15'],
    mobileNsnLength: 10,
  },
  ci: {
    regions: ['Abidjan', 'Bouake', 'Yamoussoukro', 'San-Pedro', 'Korhogo'],
    centre: { latitude: 7.5, longitude: -5.5 },
    mobilePrefixes: ['07', '05', '01'],
    mobileNsnLength: 10,
  },
  sn: {
    regions: ['Dakar', 'Thies', 'Saint-Louis', 'Ziguinchor', 'Kaolack'],
    centre: { latitude: 14.5, longitude: -14.5 },
    mobilePrefixes: ['77', '78', '76', '70'],
    mobileNsnLength: 9,
  },
  cm: {
    regions: ['Littoral', 'Centre', 'Ouest', 'Nord', 'Sud-Ouest'],
    centre: { latitude: 5.7, longitude: 12.4 },
    mobilePrefixes: ['67', '69', '65', '68'],
    mobileNsnLength: 9,
  },
  mg: {
    regions: ['Analamanga', 'Atsinanana', 'Boeny', 'Vakinankaratra', 'Diana'],
    centre: { latitude: -19.0, longitude: 46.9 },
    mobilePrefixes: ['32', '33', '34', '38'],
    mobileNsnLength: 9,
  },
};
