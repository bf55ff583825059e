#!/usr/bin/env node
// `npx orion …` entry: runs the TypeScript CLI through tsx so no build step is needed locally.
import { register } from 'tsx/esm/api';

// Node 20 is supported by ORION locally; the AWS SDK's notice about its future Node 22 floor is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
await import('./orion.ts');
