/**
 * The synthetic shop: categories with price ranges (EUR) and item-id blocks, search terms,
 * review phrases, customer currencies, payment methods and decline reasons, with weights.
 */
import type { CurrencyCode } from '../currency.ts';
import type { DeviceType, FailureReason, PaymentMethod } from '../schemas.ts';

/** A product category of the synthetic shop. */
export interface Category {
  readonly name: string;
  /** Share of browsing traffic. */
  readonly weight: number;
  /** Unit price range, EUR. */
  readonly minPrice: number;
  readonly maxPrice: number;
  /** Item ids of the category are `firstItemId … firstItemId + items − 1`. */
  readonly firstItemId: number;
  readonly items: number;
  /** Search terms shoppers type for it. */
  readonly terms: readonly string[];
  /** Filter names that make sense on its listings. */
  readonly filters: readonly string[];
}

/** The categories (Sprint-1's `PRODUCT_CATEGORIES` / `PRICE_RANGES`). */
export const CATEGORIES: readonly Category[] = [
  {
    name: 'Electronics',
    weight: 0.22,
    minPrice: 20,
    maxPrice: 2500,
    firstItemId: 10_000,
    items: 1500,
    terms: ['wireless headphones', 'smartphone 128gb', 'usb-c charger', 'laptop 16 inch', '4k tv'],
    filters: ['brand', 'price', 'rating', 'in_stock', 'screen_size'],
  },
  {
    name: 'Fashion',
    weight: 0.2,
    minPrice: 15,
    maxPrice: 300,
    firstItemId: 20_000,
    items: 3000,
    terms: ['robe ete', 'running shoes', 'jean slim', 'veste cuir', 'sac a main'],
    filters: ['brand', 'price', 'size', 'color', 'in_stock'],
  },
  {
    name: 'Home & Garden',
    weight: 0.15,
    minPrice: 10,
    maxPrice: 900,
    firstItemId: 30_000,
    items: 2000,
    terms: ['canape 3 places', 'lampe led', 'tondeuse', 'cafetiere', 'parure de lit'],
    filters: ['brand', 'price', 'color', 'material'],
  },
  {
    name: 'Sports',
    weight: 0.1,
    minPrice: 10,
    maxPrice: 600,
    firstItemId: 40_000,
    items: 1200,
    terms: ['velo electrique', 'tapis de yoga', 'halteres', 'tente 4 places'],
    filters: ['brand', 'price', 'size', 'in_stock'],
  },
  {
    name: 'Beauty',
    weight: 0.1,
    minPrice: 5,
    maxPrice: 120,
    firstItemId: 50_000,
    items: 1500,
    terms: ['parfum', 'creme hydratante', 'mascara', 'shampoing bio'],
    filters: ['brand', 'price', 'rating'],
  },
  {
    name: 'Books',
    weight: 0.1,
    minPrice: 5,
    maxPrice: 60,
    firstItemId: 60_000,
    items: 5000,
    terms: ['roman policier', 'bd manga', 'livre de cuisine', 'guide de voyage'],
    filters: ['price', 'language', 'format'],
  },
  {
    name: 'Toys',
    weight: 0.08,
    minPrice: 8,
    maxPrice: 150,
    firstItemId: 70_000,
    items: 1000,
    terms: ['lego', 'puzzle 1000 pieces', 'poupee', 'jeu de societe'],
    filters: ['age', 'price', 'brand'],
  },
  {
    name: 'Grocery',
    weight: 0.05,
    minPrice: 2,
    maxPrice: 80,
    firstItemId: 80_000,
    items: 2500,
    terms: ['cafe en grains', 'huile d olive', 'the vert', 'chocolat noir'],
    filters: ['price', 'organic', 'brand'],
  },
];

/** Customer currencies (weights) and their EUR rate (units of the currency per euro). */
export const CURRENCIES: readonly {
  readonly code: CurrencyCode;
  readonly weight: number;
  readonly perEuro: number;
}[] = [
  { code: 'EUR', weight: 0.7, perEuro: 1 },
  { code: 'MAD', weight: 0.1, perEuro: 10.8 },
  { code: 'XOF', weight: 0.08, perEuro: 655.957 },
  { code: 'USD', weight: 0.07, perEuro: 1.08 },
  { code: 'GBP', weight: 0.05, perEuro: 0.85 },
];

/** A customer's preferred payment method. */
export const PAYMENT_METHOD_WEIGHTS: Readonly<Record<PaymentMethod, number>> = {
  card: 0.7,
  paypal: 0.14,
  apple_pay: 0.08,
  google_pay: 0.05,
  bank_transfer: 0.03,
};

/** Why clean payments fail. */
export const FAILURE_REASON_WEIGHTS: Readonly<Record<FailureReason, number>> = {
  insufficient_funds: 0.35,
  card_declined: 0.25,
  expired_card: 0.1,
  incorrect_cvc: 0.12,
  authentication_failed: 0.1,
  suspected_fraud: 0.03,
  processing_error: 0.05,
};

/** Device classes of browsing sessions. */
export const DEVICE_TYPE_WEIGHTS: Readonly<Record<Exclude<DeviceType, 'unknown'>, number>> = {
  mobile: 0.58,
  desktop: 0.34,
  tablet: 0.08,
};

/** Review phrases by rating. */
export const REVIEW_PHRASES: Readonly<Record<1 | 2 | 3 | 4 | 5, readonly string[]>> = {
  1: ['Produit defectueux, rembourse.', 'Ne correspond pas a la description.'],
  2: ['Qualite decevante pour le prix.', 'Livraison tres lente.'],
  3: ['Correct sans plus.', 'Fait le travail, finitions moyennes.'],
  4: ['Bon produit, je recommande.', 'Tres bien, livraison rapide.'],
  5: ['Parfait, exactement ce que je cherchais !', 'Excellent rapport qualite prix.\nA racheter.'],
};

/** Rating distribution (online reviews skew high). */
export const RATING_WEIGHTS: Readonly<Record<'1' | '2' | '3' | '4' | '5', number>> = {
  '1': 0.07,
  '2': 0.06,
  '3': 0.12,
  '4': 0.3,
  '5': 0.45,
};
