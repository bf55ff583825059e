#!/usr/bin/env node
// `npx orion …` entry: runs the TypeScript CLI through tsx so no build step is needed locally.
import { register } from 'tsx/esm/api';

register();
await import('./orion.ts');
