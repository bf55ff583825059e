/**
 * The CDK app: `npx cdk synth` / `npx cdk deploy` (see `cdk.json`). Reads the deployment
 * configuration from context (`lib/config/orion-config.ts` documents every key and default) and
 * synthesizes one stack, `Orion-<env>`, built by `lib/config/orion-app.ts`. Offline and
 * deterministic: no context lookup, no AWS call, also for a stack pinned to an account and region.
 */
import { createOrionApp } from '../lib/config/orion-app.ts';

createOrionApp().app.synth();
