/**
 * A local stand-in for an API Gateway HTTP API with Lambda proxy integrations (payload format
 * 2.0), on `node:http`: each request is routed by route key, turned into the
 * `APIGatewayProxyEventV2` AWS would send (`event.ts`), given to the handler in-process, and its
 * result written back as API Gateway would. What API Gateway itself answers is answered here
 * with its bodies: 404 `{"message":"Not Found"}` for no route (routes are selected as API Gateway
 * selects them, path variables and greedy variables included: `routes.ts`), 413 for a payload above its quota
 * (10 MB, HTTP API quotas page), 429 `{"message":"Too Many Requests"}` when the stage's token
 * bucket is empty (`token-bucket.ts`), 500 `{"message":"Internal Server Error"}` when the
 * handler throws. Handlers are the Lambda entry points themselves (a `functions/<dir>/handler.ts`),
 * nothing is re-implemented.
 *
 * @example
 * const api = await startHttpApi({ routes: { 'POST /items': handler }, throttle: { rateLimit: 100, burstLimit: 200 } });
 * await fetch(`${api.url}/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
 * await api.close();
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { lambdaContext } from '../esm/lambda-context.ts';
import { fromApiGatewayResultV2, type HttpResponseParts, toApiGatewayEventV2 } from './event.ts';
import { routeTable } from './routes.ts';
import { createTokenBucket, type ThrottleSettings } from './token-bucket.ts';

/** A Lambda handler for API Gateway v2 events (sync or async). */
export type HttpApiRouteHandler = (event: APIGatewayProxyEventV2, context: Context) => unknown;

/** Options of {@link startHttpApi}. */
export interface HttpApiOptions {
  /**
   * Handlers by route key: `METHOD /path`, `ANY /path` (a path may hold `{variable}`s and end
   * with a greedy `{name+}`), or `$default` (everything else). A request matching no route gets
   * 404, as in API Gateway.
   */
  readonly routes: Readonly<Record<string, HttpApiRouteHandler>>;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default 0 (any free port) */
  readonly port?: number;
  /** Largest request body, bytes (API Gateway's quota). @default 10 MB */
  readonly maxPayloadBytes?: number;
  /** Stage throttling; unset: no throttling. */
  readonly throttle?: ThrottleSettings;
  /** Function name in the Lambda context. @default 'orion-http-api' */
  readonly functionName?: string;
  /** Handler timeout given to the Lambda context, ms (API Gateway's integration limit). @default 30 000 */
  readonly timeoutMs?: number;
  /** Told of every answered request once its response is written (counters, latency). @default none */
  readonly onResponse?: (answer: AnsweredRequest) => void;
}

/** One answered request, as {@link HttpApiOptions.onResponse} gets it. */
export interface AnsweredRequest {
  /** The matched route key; undefined when no route matched (404). */
  readonly routeKey: string | undefined;
  readonly statusCode: number;
  /**
   * `gateway`: answered without invoking the handler (404, 413, 429); `function`: the handler's
   * answer, or the 500 API Gateway gives when it threw.
   */
  readonly answeredBy: 'gateway' | 'function';
  /** From the request's arrival to its response written, ms. */
  readonly durationMs: number;
}

/** A running local API. */
export interface RunningHttpApi {
  /** `http://host:port`. */
  readonly url: string;
  readonly port: number;
  /** Stops accepting, closes open connections. */
  close(): Promise<void>;
}

/** API Gateway's HTTP API payload quota (10 MB). */
export const API_GATEWAY_MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

function gatewayAnswer(
  statusCode: number,
  message: string,
  headers: Record<string, string> = {},
): HttpResponseParts {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
    body: Buffer.from(JSON.stringify({ message })),
  };
}

function write(res: ServerResponse, answer: HttpResponseParts, close = false): void {
  const headers: Record<string, string | string[]> = {
    ...answer.headers,
    'content-length': String(answer.body.length),
  };
  if (close) headers.connection = 'close';
  res.writeHead(answer.statusCode, headers);
  res.end(answer.body);
}

/** Reads the body; `undefined` when it exceeded `max` (the rest is drained, not kept). */
function readBody(req: IncomingMessage, max: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) over = true;
      if (!over) chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Starts the local API and resolves once it listens.
 * @example const api = await startHttpApi({ routes: { 'POST /items': handler } }); console.log(api.url);
 */
export async function startHttpApi(options: HttpApiOptions): Promise<RunningHttpApi> {
  const maxPayload = options.maxPayloadBytes ?? API_GATEWAY_MAX_PAYLOAD_BYTES;
  const bucket = options.throttle ? createTokenBucket(options.throttle) : undefined;
  const functionName = options.functionName ?? 'orion-http-api';
  const timeoutMs = options.timeoutMs ?? 30_000;
  const table = routeTable(options.routes);

  const server = createServer(async (req, res) => {
    const arrivedAt = performance.now();
    let routeKey: string | undefined;
    const answered = (statusCode: number, answeredBy: AnsweredRequest['answeredBy']) => {
      try {
        options.onResponse?.({ routeKey, statusCode, answeredBy, durationMs: performance.now() - arrivedAt });
      } catch {
        // an observer's failure never changes an answer already written
      }
    };
    const gateway = (answer: HttpResponseParts, close = false) => {
      write(res, answer, close);
      answered(answer.statusCode, 'gateway');
    };
    try {
      const url = req.url ?? '/';
      const method = (req.method ?? 'GET').toUpperCase();
      const path = url.split('?')[0]!;
      const matched = table.match(method, path);
      if (!matched) {
        req.resume();
        return gateway(gatewayAnswer(404, 'Not Found'));
      }
      routeKey = matched.routeKey;
      if (bucket && !bucket.take()) {
        req.resume();
        return gateway(
          gatewayAnswer(429, 'Too Many Requests', { 'retry-after': String(bucket.retryAfterSeconds()) }),
        );
      }
      const declared = Number(req.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxPayload) {
        gateway(gatewayAnswer(413, 'Request Entity Too Large'), true);
        req.destroy();
        return;
      }
      const body = await readBody(req, maxPayload);
      if (body === undefined) return gateway(gatewayAnswer(413, 'Request Entity Too Large'), true);

      const event = toApiGatewayEventV2(
        {
          method,
          url,
          headers: req.headersDistinct,
          body,
          sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
          protocol: `HTTP/${req.httpVersion}`,
        },
        {
          routeKey: matched.routeKey,
          ...(matched.pathParameters ? { pathParameters: matched.pathParameters } : {}),
        },
      );
      const context = {
        ...lambdaContext(functionName, timeoutMs),
        done() {},
        fail() {},
        succeed() {},
      } as Context;
      let answer: HttpResponseParts;
      try {
        answer = fromApiGatewayResultV2((await matched.target(event, context)) as never);
      } catch {
        answer = gatewayAnswer(500, 'Internal Server Error');
      }
      write(res, answer);
      answered(answer.statusCode, 'function');
    } catch {
      if (!res.headersSent) {
        write(res, gatewayAnswer(500, 'Internal Server Error'), true);
        answered(500, 'gateway');
      } else res.destroy();
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
