/**
 * The CDK app: `npx cdk synth` / `npx cdk deploy` (see `cdk.json`). Reads the deployment
 * configuration from context (`lib/config/orion-config.ts` documents every key and default) and
 * synthesizes one stack per hosted pipeline (`PIPELINES`, `shared/pipelines.ts`): `Orion-<env>`
 * for the default pipeline, which owns the network and the MSK cluster, and `Orion-<env>-<name>`
 * sharing them for any other (`lib/config/orion-app.ts`). Offline and deterministic: no context
 * lookup, no AWS call, also for a stack pinned to an account and region.
 */
import { createOrionApp } from '../lib/config/orion-app.ts';
import { PIPELINES } from '../shared/pipelines.ts';

createOrionApp({ pipelines: PIPELINES }).app.synth();
