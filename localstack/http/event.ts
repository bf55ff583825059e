/**
 * API Gateway HTTP API, payload format 2.0, emulated both ways: an HTTP request → the
 * `APIGatewayProxyEventV2` the Lambda receives, and what the Lambda returns → the HTTP response.
 * Rules followed (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html):
 * header names in lower case; repeated headers and query parameters combined with commas;
 * cookies in `cookies`, not in `headers`; `rawPath`/`rawQueryString` as sent; a result without
 * `statusCode` means 200, `application/json`, the result as the body; each response cookie
 * becomes a `set-cookie` header.
 *
 * One rule is ORION's: API Gateway does not document when it base64-encodes a request body, so
 * a body is passed as text when its content type is textual (text/*, JSON, XML, form) and its
 * bytes are valid UTF-8, and base64-encoded (`isBase64Encoded: true`) otherwise, so that a
 * handler sees the exact bytes either way.
 */
import { randomBytes } from 'node:crypto';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyResultV2,
  APIGatewayProxyStructuredResultV2,
} from 'aws-lambda';

/** What the emulator knows of one HTTP request. */
export interface HttpRequestParts {
  readonly method: string;
  /** Path and query as sent, e.g. `/items?dry=1`. */
  readonly url: string;
  /** Every header, each name with its values in order (Node's `headersDistinct`). */
  readonly headers: Readonly<Record<string, readonly string[] | undefined>>;
  readonly body: Uint8Array;
  readonly sourceIp: string;
  /** e.g. `HTTP/1.1`. */
  readonly protocol: string;
}

/** Where the request was routed. */
export interface RouteMatch {
  /** `POST /items`, or `$default`. */
  readonly routeKey: string;
  /** @default '$default' */
  readonly stage?: string;
  /** @default 'local' */
  readonly apiId?: string;
  /** Values of the route's path variables, decoded (`{ itemId: '42' }`). @default none */
  readonly pathParameters?: Readonly<Record<string, string>>;
}

/** Account id of local events (API Gateway puts the API owner's). */
export const LOCAL_ACCOUNT_ID = '000000000000';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * `requestContext.time`: `dd/MMM/yyyy:HH:mm:ss +0000` (UTC).
 * @example requestTime(Date.UTC(2020, 2, 12, 19, 3, 58)) // '12/Mar/2020:19:03:58 +0000'
 */
export function requestTime(epochMs: number): string {
  const d = new Date(epochMs);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}

/**
 * True when a body of this content type is passed as text (when its bytes are UTF-8).
 * @example isTextContentType('application/json; charset=utf-8') // true
 * @example isTextContentType('application/octet-stream') // false
 */
export function isTextContentType(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return (
    type.startsWith('text/') ||
    type === 'application/json' ||
    type.endsWith('+json') ||
    type === 'application/xml' ||
    type.endsWith('+xml') ||
    type === 'application/javascript' ||
    type === 'application/x-www-form-urlencoded'
  );
}

function isUtf8(bytes: Uint8Array): boolean {
  try {
    UTF8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * The payload 2.0 event of a request.
 * @example const event = toApiGatewayEventV2(parts, { routeKey: 'POST /items' });
 */
export function toApiGatewayEventV2(
  request: HttpRequestParts,
  route: RouteMatch,
  nowMs: number = Date.now(),
): APIGatewayProxyEventV2 {
  const queryAt = request.url.indexOf('?');
  const rawPath = queryAt < 0 ? request.url : request.url.slice(0, queryAt);
  const rawQueryString = queryAt < 0 ? '' : request.url.slice(queryAt + 1);

  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, values] of Object.entries(request.headers)) {
    if (!values || values.length === 0) continue;
    const lower = name.toLowerCase();
    if (lower === 'cookie') {
      cookies = values.flatMap((v) => v.split(';').map((c) => c.trim())).filter(Boolean);
      continue;
    }
    headers[lower] =
      headers[lower] === undefined ? values.join(',') : `${headers[lower]},${values.join(',')}`;
  }
  headers['x-forwarded-for'] ??= request.sourceIp;
  headers['x-forwarded-proto'] ??= 'http';

  const query: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawQueryString)) {
    query[name] = query[name] === undefined ? value : `${query[name]},${value}`;
  }

  const host = headers.host ?? 'localhost';
  const domainName = host.replace(/:\d+$/, '');
  const stage = route.stage ?? '$default';
  const hasBody = request.body.length > 0;
  const asText = hasBody && isTextContentType(headers['content-type']) && isUtf8(request.body);

  return {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath,
    rawQueryString,
    ...(cookies ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(route.pathParameters ? { pathParameters: { ...route.pathParameters } } : {}),
    requestContext: {
      accountId: LOCAL_ACCOUNT_ID,
      apiId: route.apiId ?? 'local',
      domainName,
      domainPrefix: domainName.split('.')[0] ?? domainName,
      http: {
        method: request.method.toUpperCase(),
        path: rawPath,
        protocol: request.protocol,
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      // API Gateway's ids look like `MIZRNhJtIAMEMDw=`: 10 random bytes in base64.
      requestId: randomBytes(10).toString('base64'),
      routeKey: route.routeKey,
      stage,
      time: requestTime(nowMs),
      timeEpoch: nowMs,
    },
    ...(hasBody
      ? {
          body: asText
            ? Buffer.from(request.body).toString('utf8')
            : Buffer.from(request.body).toString('base64'),
        }
      : {}),
    isBase64Encoded: hasBody && !asText,
  };
}

/** An HTTP response ready to write. */
export interface HttpResponseParts {
  readonly statusCode: number;
  /** Header values; `set-cookie` may repeat. */
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer;
}

function isStructured(result: unknown): result is APIGatewayProxyStructuredResultV2 {
  return typeof result === 'object' && result !== null && 'statusCode' in result;
}

/**
 * The HTTP response API Gateway makes of a Lambda result (payload 2.0): a structured result as
 * given, anything else as a 200 JSON body.
 * @example fromApiGatewayResultV2({ statusCode: 202, body: '{}' }).statusCode // 202
 * @example fromApiGatewayResultV2({ ok: true }).body.toString() // '{"ok":true}'
 */
export function fromApiGatewayResultV2(result: APIGatewayProxyResultV2<unknown>): HttpResponseParts {
  if (!isStructured(result)) {
    const body = typeof result === 'string' ? result : (JSON.stringify(result) ?? '');
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(body) };
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {}))
    headers[name.toLowerCase()] = String(value);
  if (result.cookies && result.cookies.length > 0) headers['set-cookie'] = [...result.cookies];
  const body = result.body ?? '';
  return {
    statusCode: result.statusCode ?? 200,
    headers,
    body: result.isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body),
  };
}
