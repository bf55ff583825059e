/**
 * The Lambda context object for an in-process invocation: the fields handlers and Powertools read.
 */
import { randomUUID } from 'node:crypto';
import type { LambdaContextLike } from './types.ts';

/** Local account and region used in the ARNs the emulator makes up. */
export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_REGION = process.env.AWS_REGION ?? 'us-east-1';

/** ARN of a local function. @example functionArnOf('orion-validation') */
export function functionArnOf(functionName: string): string {
  return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${functionName}`;
}

/**
 * A fresh context for one invocation with `timeoutMs` of remaining time.
 * @example const context = lambdaContext('orion-validation', 60_000);
 */
export function lambdaContext(functionName: string, timeoutMs: number): LambdaContextLike {
  const deadline = Date.now() + timeoutMs;
  const requestId = randomUUID();
  return {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: functionArnOf(functionName),
    memoryLimitInMB: '1024',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/[$LATEST]${requestId.replaceAll('-', '')}`,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}
