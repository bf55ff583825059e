import { describe, expect, it } from 'vitest';
import {
  COMMERCE_TOPIC,
  customerKeyOf,
  DLQ_OF_TOPIC,
  EVENT_TYPES,
  ROUTE_BY_EVENT_TYPE,
  routeEvent,
  topicForEventType,
} from '../../../shared/commerce/index.ts';
import { SEED_TOPIC_OF_EVENT_TYPE, VALID } from './fixtures.ts';

describe('routing', () => {
  it.each(EVENT_TYPES)('routes %s as KiVendTout does, keyed by the customer id', (type) => {
    expect(ROUTE_BY_EVENT_TYPE[type]).toBe(SEED_TOPIC_OF_EVENT_TYPE[type]);
    expect(routeEvent(VALID[type])).toEqual({ topic: SEED_TOPIC_OF_EVENT_TYPE[type], key: '12345' });
    expect(customerKeyOf(VALID[type])).toBe(VALID[type].user_id);
  });

  it('sends any other type name to user-events (the seed’s else branch)', () => {
    expect(topicForEventType('page_view')).toBe('user-events');
    expect(topicForEventType('')).toBe('user-events');
  });

  it('names every topic of the seeds, the validated buffer, the reject topic and the per-domain DLQs', () => {
    expect(Object.values(COMMERCE_TOPIC).sort()).toEqual(
      [
        'raw-events',
        'commerce.validated',
        'user-events',
        'payments',
        'orders',
        'fraud-alerts',
        'commerce.rejected',
        'users-dlq',
        'payments-dlq',
        'orders-dlq',
      ].sort(),
    );
    expect(DLQ_OF_TOPIC).toEqual({
      'user-events': 'users-dlq',
      payments: 'payments-dlq',
      orders: 'orders-dlq',
    });
  });
});
