/**
 * The local API Gateway stand-in's conversions (payload format 2.0): request → event (lower-case
 * headers, repeated headers and query parameters combined with commas, cookies apart, raw path
 * and query, base64 only for binary or non-UTF-8 bodies, request context and its time format),
 * Lambda result → response (structured, inferred, cookies, base64), and the throttling bucket.
 */
import { describe, expect, it } from 'vitest';
import {
  fromApiGatewayResultV2,
  type HttpRequestParts,
  isTextContentType,
  requestTime,
  toApiGatewayEventV2,
} from '../../../localstack/http/event.ts';
import { createTokenBucket } from '../../../localstack/http/token-bucket.ts';

function parts(overrides: Partial<HttpRequestParts> = {}): HttpRequestParts {
  return {
    method: 'post',
    url: '/orders?dry=1&tag=a&tag=b',
    headers: {
      Host: ['api.example.com:8443'],
      'Content-Type': ['application/json'],
      'X-Multi': ['one', 'two'],
      Cookie: ['a=1; b=2', 'c=3'],
      'User-Agent': ['curl/8.5'],
    },
    body: Buffer.from('{"a":1}'),
    sourceIp: '203.0.113.7',
    protocol: 'HTTP/1.1',
    ...overrides,
  };
}

describe('toApiGatewayEventV2', () => {
  const now = Date.UTC(2020, 2, 12, 19, 3, 58, 390);
  const event = toApiGatewayEventV2(parts(), { routeKey: 'POST /orders' }, now);

  it('has the payload 2.0 envelope', () => {
    expect(event.version).toBe('2.0');
    expect(event.routeKey).toBe('POST /orders');
    expect(event.rawPath).toBe('/orders');
    expect(event.rawQueryString).toBe('dry=1&tag=a&tag=b');
    expect(event.queryStringParameters).toEqual({ dry: '1', tag: 'a,b' });
  });

  it('lower-cases headers, combines repeats with commas, moves cookies to `cookies`', () => {
    expect(event.headers['content-type']).toBe('application/json');
    expect(event.headers['x-multi']).toBe('one,two');
    expect(event.headers.cookie).toBeUndefined();
    expect(event.cookies).toEqual(['a=1', 'b=2', 'c=3']);
    expect(event.headers['x-forwarded-for']).toBe('203.0.113.7');
    expect(Object.keys(event.headers).every((k) => k === k.toLowerCase())).toBe(true);
  });

  it('fills the request context as API Gateway does', () => {
    expect(event.requestContext).toMatchObject({
      accountId: '000000000000',
      apiId: 'local',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: {
        method: 'POST',
        path: '/orders',
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.7',
        userAgent: 'curl/8.5',
      },
      routeKey: 'POST /orders',
      stage: '$default',
      time: '12/Mar/2020:19:03:58 +0000',
      timeEpoch: now,
    });
    expect(event.requestContext.requestId).toMatch(/^[A-Za-z0-9+/]{14}==$/);
    expect(toApiGatewayEventV2(parts(), { routeKey: 'x' }).requestContext.requestId).not.toBe(
      event.requestContext.requestId,
    );
  });

  it('passes a JSON body as text', () => {
    expect(event.isBase64Encoded).toBe(false);
    expect(event.body).toBe('{"a":1}');
  });

  it('base64-encodes binary content and JSON that is not UTF-8, so the handler sees the bytes', () => {
    const binary = toApiGatewayEventV2(
      parts({ headers: { 'content-type': ['application/octet-stream'] }, body: Buffer.from([1, 2, 255]) }),
      { routeKey: '$default' },
    );
    expect(binary.isBase64Encoded).toBe(true);
    expect(Buffer.from(binary.body!, 'base64')).toEqual(Buffer.from([1, 2, 255]));
    const latin = toApiGatewayEventV2(parts({ body: Buffer.from([0x7b, 0xe9, 0x7d]) }), {
      routeKey: '$default',
    });
    expect(latin.isBase64Encoded).toBe(true);
    expect(Buffer.from(latin.body!, 'base64')).toEqual(Buffer.from([0x7b, 0xe9, 0x7d]));
  });

  it('has no body field for an empty body, and no query parameters without a query', () => {
    const empty = toApiGatewayEventV2(parts({ body: Buffer.alloc(0), url: '/orders' }), {
      routeKey: '$default',
    });
    expect(empty.body).toBeUndefined();
    expect(empty.isBase64Encoded).toBe(false);
    expect(empty.queryStringParameters).toBeUndefined();
    expect(empty.rawQueryString).toBe('');
  });

  it('classifies content types', () => {
    expect(isTextContentType('application/json; charset=utf-8')).toBe(true);
    expect(isTextContentType('application/problem+json')).toBe(true);
    expect(isTextContentType('text/csv')).toBe(true);
    expect(isTextContentType('image/png')).toBe(false);
    expect(isTextContentType(undefined)).toBe(false);
  });

  it('formats the request time with two-digit fields', () => {
    expect(requestTime(Date.UTC(2026, 0, 5, 4, 3, 2))).toBe('05/Jan/2026:04:03:02 +0000');
  });
});

describe('fromApiGatewayResultV2', () => {
  it('writes a structured result as given, cookies as set-cookie', () => {
    const response = fromApiGatewayResultV2({
      statusCode: 202,
      headers: { 'Content-Type': 'application/json', 'X-Count': 3 },
      cookies: ['a=1; Path=/', 'b=2'],
      body: '{"ok":true}',
    });
    expect(response.statusCode).toBe(202);
    expect(response.headers).toEqual({
      'content-type': 'application/json',
      'x-count': '3',
      'set-cookie': ['a=1; Path=/', 'b=2'],
    });
    expect(response.body.toString()).toBe('{"ok":true}');
  });

  it('decodes a base64 body', () => {
    const response = fromApiGatewayResultV2({ statusCode: 200, body: 'AQL/', isBase64Encoded: true });
    expect(response.body).toEqual(Buffer.from([1, 2, 255]));
  });

  it('infers 200 application/json for a result without statusCode', () => {
    const object = fromApiGatewayResultV2({ ok: true } as never);
    expect(object.statusCode).toBe(200);
    expect(object.headers['content-type']).toBe('application/json');
    expect(object.body.toString()).toBe('{"ok":true}');
    expect(fromApiGatewayResultV2('hello').body.toString()).toBe('hello');
  });
});

describe('createTokenBucket', () => {
  it('lets a burst through, then the steady rate, and says when to retry', () => {
    let now = 0;
    const bucket = createTokenBucket({ rateLimit: 2, burstLimit: 3 }, () => now);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
    expect(bucket.retryAfterSeconds()).toBe(1);
    now = 499;
    expect(bucket.take()).toBe(false);
    now = 500;
    expect(bucket.take()).toBe(true);
    now = 10_000;
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
  });

  it('refuses negative settings', () => {
    expect(() => createTokenBucket({ rateLimit: -1, burstLimit: 1 })).toThrow(RangeError);
  });
});
