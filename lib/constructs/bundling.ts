/**
 * esbuild options shared by every ORION function: an ES module for Node.js 24 (the Lambda runtime), minified, with
 * source maps, and every dependency (AWS SDK included) bundled at the version `package-lock.json`
 * pins, so a function never depends on the SDK version the Lambda runtime happens to ship.
 */
import { aws_lambda_nodejs as nodejs } from 'aws-cdk-lib';

/** Lets bundled CommonJS packages (kafkajs, cassandra-driver) call `require` inside an ES module. */
const REQUIRE_SHIM =
  "import { createRequire as __orionCreateRequire } from 'node:module'; const require = __orionCreateRequire(import.meta.url);";

/**
 * Bundling options of an ORION NodejsFunction.
 * @example new NodejsFunction(this, 'Fn', { entry, bundling: nodejsBundling() })
 */
export function nodejsBundling(): nodejs.BundlingOptions {
  return {
    format: nodejs.OutputFormat.ESM,
    target: 'node24',
    mainFields: ['module', 'main'],
    minify: true,
    sourceMap: true,
    sourcesContent: false,
    externalModules: [],
    banner: REQUIRE_SHIM,
    logLevel: nodejs.LogLevel.WARNING,
  };
}
