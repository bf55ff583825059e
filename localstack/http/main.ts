/**
 * Runs Lambda handlers behind the local HTTP API (`server.ts`) until interrupted.
 *
 * ```sh
 * npx tsx localstack/http/main.ts --route 'POST /items=functions/items-api/handler.ts' \
 *   --setup shared/<pipeline>/local.ts --port 3000 --rate 100 --burst 200
 * ```
 *
 * `--route KEY=MODULE` (repeatable) imports `handler` from MODULE (relative to the repository
 * root); `--setup MODULE` first calls its `prepareLocal(env)` (e.g. to create tables).
 * `DYNAMODB_ENDPOINT` defaults to the embedded stack's DynamoDB Local.
 */
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { localEndpoints } from '../embedded/endpoints.ts';
import { type HttpApiRouteHandler, startHttpApi } from './server.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

async function importFromRoot(module: string): Promise<Record<string, unknown>> {
  return (await import(pathToFileURL(path.resolve(ROOT, module)).href)) as Record<string, unknown>;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      route: { type: 'string', multiple: true },
      setup: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '3000' },
      rate: { type: 'string' },
      burst: { type: 'string' },
    },
  });
  process.env.DYNAMODB_ENDPOINT ??= localEndpoints(process.env).dynamodbEndpoint;
  if (values.setup) {
    const setup = await importFromRoot(values.setup);
    if (typeof setup.prepareLocal !== 'function') throw new Error(`${values.setup} exports no prepareLocal`);
    const created = (await setup.prepareLocal(process.env)) as string[];
    if (created.length > 0) console.info(`created ${created.join(', ')}`);
  }
  const routes: Record<string, HttpApiRouteHandler> = {};
  for (const spec of values.route ?? []) {
    const at = spec.lastIndexOf('=');
    if (at < 1) throw new Error(`--route expects KEY=MODULE, got ${spec}`);
    const module = await importFromRoot(spec.slice(at + 1));
    if (typeof module.handler !== 'function') throw new Error(`${spec.slice(at + 1)} exports no handler`);
    routes[spec.slice(0, at)] = module.handler as HttpApiRouteHandler;
  }
  if (Object.keys(routes).length === 0) throw new Error('give at least one --route KEY=MODULE');
  const throttle =
    values.rate !== undefined || values.burst !== undefined
      ? { rateLimit: Number(values.rate ?? values.burst), burstLimit: Number(values.burst ?? values.rate) }
      : undefined;
  const api = await startHttpApi({
    routes,
    host: values.host,
    port: Number(values.port),
    ...(throttle ? { throttle } : {}),
  });
  console.info(`HTTP API on ${api.url}: ${Object.keys(routes).join(', ')}`);
  const stop = () => void api.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
