/**
 * Route selection of the local API Gateway stand-in (`localstack/http/routes.ts`), following the
 * example of "Routing API requests" on
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html.
 */
import { describe, expect, it } from 'vitest';
import { toApiGatewayEventV2 } from '../../../localstack/http/event.ts';
import { routeTable } from '../../../localstack/http/routes.ts';

describe('routeTable', () => {
  // The page's example routes.
  const table = routeTable({
    'GET /pets/dog/1': 'exact',
    'GET /pets/dog/{id}': 'variable',
    'GET /pets/{proxy+}': 'greedy',
    'ANY /{proxy+}': 'any-greedy',
    $default: 'default',
  });
  const routed = (method: string, path: string) => table.match(method, path);

  it.each([
    ['GET', '/pets/dog/1', 'exact', undefined],
    ['GET', '/pets/dog/2', 'variable', { id: '2' }],
    ['GET', '/pets/cat/1', 'greedy', { proxy: 'cat/1' }],
    ['POST', '/pets/cat/1', 'any-greedy', { proxy: 'pets/cat/1' }],
    ['GET', '/', 'default', undefined],
  ])('%s %s → %s', (method, path, target, params) => {
    const match = routed(method, path);
    expect(match?.target).toBe(target);
    expect(match?.pathParameters).toEqual(params);
  });

  it('decodes path parameters and keeps the route key', () => {
    const t = routeTable({ 'GET /items/{itemId}': 1, 'POST /items': 2 });
    expect(t.match('get', '/items/a%20b')).toEqual({
      routeKey: 'GET /items/{itemId}',
      target: 1,
      pathParameters: { itemId: 'a b' },
    });
    expect(t.match('POST', '/items')).toEqual({ routeKey: 'POST /items', target: 2 });
  });

  it('matches no empty segment, no extra segment, no other method; 404 without $default', () => {
    const t = routeTable({ 'GET /items/{itemId}': 1, 'GET /files/{path+}': 2 });
    expect(t.match('GET', '/items/')).toBeUndefined();
    expect(t.match('GET', '/items/a/b')).toBeUndefined();
    expect(t.match('DELETE', '/items/a')).toBeUndefined();
    expect(t.match('GET', '/files/')).toBeUndefined();
    expect(t.match('GET', '/files/a/b.txt')?.pathParameters).toEqual({ path: 'a/b.txt' });
  });

  it('prefers a method to ANY, and more literal segments among variable routes', () => {
    const t = routeTable({
      'ANY /items': 'any',
      'POST /items': 'post',
      'GET /{a}/{b}': 'two',
      'GET /items/{b}': 'one',
    });
    expect(t.match('POST', '/items')?.target).toBe('post');
    expect(t.match('PUT', '/items')?.target).toBe('any');
    expect(t.match('GET', '/items/x')?.target).toBe('one');
    expect(t.match('GET', '/other/x')?.target).toBe('two');
  });

  it('refuses a malformed route key', () => {
    expect(() => routeTable({ 'GET items': 1 })).toThrow(/must start with/);
    expect(() => routeTable({ '/items': 1 })).toThrow(RangeError);
    expect(() => routeTable({ 'GET /{rest+}/x': 1 })).toThrow(/greedy/);
  });

  it('puts the values in the payload 2.0 event', () => {
    const event = toApiGatewayEventV2(
      {
        method: 'GET',
        url: '/items/42',
        headers: {},
        body: Buffer.alloc(0),
        sourceIp: '127.0.0.1',
        protocol: 'HTTP/1.1',
      },
      { routeKey: 'GET /items/{itemId}', pathParameters: { itemId: '42' } },
    );
    expect(event.pathParameters).toEqual({ itemId: '42' });
    expect(event.routeKey).toBe('GET /items/{itemId}');
  });
});
