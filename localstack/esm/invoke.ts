/**
 * Invokes a handler in-process the way an event source mapping invokes a function: synchronously,
 * with the event (here the Kafka one; {@link invokeWithEvent} for any source) and a context, within
 * the function timeout. A throw or a timeout is a function error; the returned value is the
 * (partial) batch response.
 */
import { encodeKafkaEvent } from '../../shared/kafka/msk-event.ts';
import type { InvocationOutcome } from './batch-processor.ts';
import type { FetchedRecord } from './fetched-record.ts';
import { lambdaContext } from './lambda-context.ts';
import type { KafkaEventHandler, LambdaContextLike } from './types.ts';

/** Typed error for an invocation that ran past the function timeout. */
export class FunctionTimeoutError extends Error {
  override readonly name = 'FunctionTimeoutError';
  readonly code = 'FUNCTION_TIMEOUT';
}

/** Where the event says it comes from. */
export interface EventSourceInfo {
  readonly bootstrapServers: string;
  readonly eventSourceArn: string;
}

/**
 * Builds the MSK event for `records` and invokes `handler` with it.
 * @example await invokeHandler(handler, records, { functionName: 'orion-validation', timeoutMs: 60_000, source })
 */
export async function invokeHandler(
  handler: KafkaEventHandler,
  records: readonly FetchedRecord[],
  options: { functionName: string; timeoutMs: number; source: EventSourceInfo },
): Promise<InvocationOutcome> {
  return invokeWithEvent(handler, encodeKafkaEvent(records, options.source), options);
}

/**
 * Invokes `handler` with any event source's event and a fresh context, within the function
 * timeout: a throw, a rejection or the timeout is a function error, the value is the response.
 * @example await invokeWithEvent(handler, { Records: [] }, { functionName: 'outbox-publisher', timeoutMs: 60_000 })
 */
export async function invokeWithEvent<E>(
  handler: (event: E, context: LambdaContextLike) => unknown,
  event: E,
  options: { functionName: string; timeoutMs: number },
): Promise<InvocationOutcome> {
  const context = lambdaContext(options.functionName, options.timeoutMs);
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new FunctionTimeoutError(`Task timed out after ${options.timeoutMs} ms`)),
        options.timeoutMs,
      );
    });
    const response = await Promise.race([Promise.resolve().then(() => handler(event, context)), timeout]);
    return { requestId: context.awsRequestId, response };
  } catch (error) {
    return { requestId: context.awsRequestId, error: error ?? new Error('handler rejected with no reason') };
  } finally {
    clearTimeout(timer);
  }
}
