/**
 * Route selection of an API Gateway HTTP API, as "Routing API requests" documents it
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html):
 * a route key is `METHOD /path` or `ANY /path` or `$default`; a path may hold path variables
 * (`/items/{itemId}`) and end with one greedy variable (`/files/{proxy+}`, one or more segments).
 * API Gateway "selects the most-specific match": a full match of route and method, then a match
 * with path variables, then one with a greedy variable, then `$default`; the page's example also
 * shows a method's route winning over `ANY` for the same path. Between two variable routes the one
 * with more literal segments first is ORION's reading of "most specific" (the page does not rank
 * them). API Gateway decodes URL-encoded path parameters before passing them on (same page).
 */

/** What a request matched: the route key and the values of its path variables. */
export interface MatchedRoute<T> {
  readonly routeKey: string;
  readonly target: T;
  /** Path variable values, decoded (`{ itemId: 'a b' }` for `/items/a%20b`); absent without variables. */
  readonly pathParameters?: Readonly<Record<string, string>>;
}

/** A compiled route table. */
export interface RouteTable<T> {
  /** The most specific route for `method` and `path` (no query string), or undefined (404). */
  match(method: string, path: string): MatchedRoute<T> | undefined;
}

interface CompiledRoute<T> {
  readonly routeKey: string;
  readonly target: T;
  readonly method: string;
  /** Segments: literal text, `{name}`, or a final `{name+}`. */
  readonly segments: readonly Segment[];
  readonly literals: number;
  readonly greedy: boolean;
}

type Segment =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'variable'; readonly name: string }
  | { readonly kind: 'greedy'; readonly name: string };

const VARIABLE = /^\{([A-Za-z0-9._-]+)(\+?)\}$/;

function compile<T>(routeKey: string, target: T): CompiledRoute<T> {
  const space = routeKey.indexOf(' ');
  if (space < 1) throw new RangeError(`route key "${routeKey}" is not "METHOD /path" or "$default"`);
  const method = routeKey.slice(0, space).toUpperCase();
  const path = routeKey.slice(space + 1);
  if (!path.startsWith('/')) throw new RangeError(`route key "${routeKey}": the path must start with "/"`);
  const segments: Segment[] = path
    .split('/')
    .slice(1)
    .map((text) => {
      const variable = VARIABLE.exec(text);
      if (!variable) return { kind: 'literal', text };
      return variable[2] ? { kind: 'greedy', name: variable[1]! } : { kind: 'variable', name: variable[1]! };
    });
  const greedyAt = segments.findIndex((s) => s.kind === 'greedy');
  if (greedyAt >= 0 && greedyAt !== segments.length - 1) {
    throw new RangeError(`route key "${routeKey}": a greedy path variable must end the path`);
  }
  return {
    routeKey,
    target,
    method,
    segments,
    literals: segments.filter((s) => s.kind === 'literal').length,
    greedy: greedyAt >= 0,
  };
}

/** Path variables of `route` for the request's segments, or undefined when it does not match. */
function bind(route: CompiledRoute<unknown>, parts: readonly string[]): Record<string, string> | undefined {
  const values: Record<string, string> = {};
  for (const [i, segment] of route.segments.entries()) {
    if (segment.kind === 'greedy') {
      const rest = parts.slice(i);
      if (rest.length === 0 || rest.every((p) => p === '')) return undefined;
      values[segment.name] = decode(rest.join('/'));
      return values;
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if (segment.kind === 'literal') {
      if (part !== segment.text) return undefined;
    } else {
      if (part === '') return undefined;
      values[segment.name] = decode(part);
    }
  }
  return parts.length === route.segments.length ? values : undefined;
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Exact before variables before greedy; more literal segments first; a method before `ANY`. */
function rank(route: CompiledRoute<unknown>): number[] {
  const exact = route.literals === route.segments.length;
  return [exact ? 0 : route.greedy ? 2 : 1, -route.literals, route.method === 'ANY' ? 1 : 0];
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/**
 * Compiles route keys to a table; throws `RangeError` for a malformed key.
 * @example
 * const table = routeTable({ 'GET /items/{itemId}': get, 'POST /items': post });
 * table.match('GET', '/items/42') // { routeKey: 'GET /items/{itemId}', target: get, pathParameters: { itemId: '42' } }
 */
export function routeTable<T>(routes: Readonly<Record<string, T>>): RouteTable<T> {
  const fallback = routes.$default;
  const compiled = Object.entries(routes)
    .filter(([key]) => key !== '$default')
    .map(([key, target]) => compile(key, target))
    .sort((a, b) => compare(rank(a), rank(b)));
  return {
    match(method, path) {
      const verb = method.toUpperCase();
      const parts = path.split('/').slice(1);
      for (const route of compiled) {
        if (route.method !== verb && route.method !== 'ANY') continue;
        const values = bind(route, parts);
        if (!values) continue;
        return {
          routeKey: route.routeKey,
          target: route.target,
          ...(Object.keys(values).length > 0 ? { pathParameters: values } : {}),
        };
      }
      return fallback === undefined ? undefined : { routeKey: '$default', target: fallback };
    },
  };
}
