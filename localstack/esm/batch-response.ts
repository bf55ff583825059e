/**
 * Reads a handler's partial batch response. AWS documents, for Kafka event sources
 * (https://docs.aws.amazon.com/lambda/latest/dg/kafka-retry-configurations.html, "PartialBatchResponse"):
 * - the response is `{ batchItemFailures: [{ itemIdentifier }] }` and only those records are retried;
 * - "If you return an empty valid JSON or null, the event source mapping will consider a batch as
 *   successfully processed";
 * - "Any invalid topic-partition_number or offset returned that was not present in the invoked
 *   event will be treated as failure and entire batch will be retried."
 * The documented identifier is an object `{ "topic-partition": "<topic>-<partition>", "offset": n }`;
 * the string form `"<topic>-<partition>@<offset>"` (ORION's runtime, Powertools) is accepted too.
 */
import { kafkaItemIdentifier } from '../../shared/kafka/msk-event.ts';

/** What the emulator does with an invocation's response. */
export type BatchResponseVerdict =
  | { readonly kind: 'success' }
  | { readonly kind: 'partial'; readonly failedIds: ReadonlySet<string> }
  | { readonly kind: 'invalid'; readonly reason: string };

/**
 * Interprets a handler's return value against the ids (`"<topic>-<partition>@<offset>"`) of the
 * records it was invoked with. Without `ReportBatchItemFailures`, any return value is success.
 *
 * @example
 * readBatchResponse({ batchItemFailures: [{ itemIdentifier: 't-0@5' }] }, new Set(['t-0@5']), true)
 * // { kind: 'partial', failedIds: Set { 't-0@5' } }
 */
export function readBatchResponse(
  response: unknown,
  invokedIds: ReadonlySet<string>,
  reportBatchItemFailures: boolean,
): BatchResponseVerdict {
  if (!reportBatchItemFailures || response == null) return { kind: 'success' };
  if (typeof response !== 'object') return { kind: 'invalid', reason: 'response is not an object' };
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures == null) return { kind: 'success' };
  if (!Array.isArray(failures)) return { kind: 'invalid', reason: 'batchItemFailures is not an array' };
  if (failures.length === 0) return { kind: 'success' };
  const failedIds = new Set<string>();
  for (const failure of failures) {
    const id = itemIdOf((failure as { itemIdentifier?: unknown } | null)?.itemIdentifier);
    if (id === undefined || !invokedIds.has(id)) {
      return {
        kind: 'invalid',
        reason: `itemIdentifier ${JSON.stringify(failure)} is not a record of the batch`,
      };
    }
    failedIds.add(id);
  }
  return { kind: 'partial', failedIds };
}

/** Normalises either identifier form to `"<topic>-<partition>@<offset>"`. */
function itemIdOf(identifier: unknown): string | undefined {
  if (typeof identifier === 'string') return /^.+-\d+@\d+$/.test(identifier) ? identifier : undefined;
  if (identifier && typeof identifier === 'object') {
    // AWS Lambda docs name the key `partition` (value "<topic>-<partition>"); `topic-partition` kept as an alias.
    const tp =
      (identifier as Record<string, unknown>).partition ??
      (identifier as Record<string, unknown>)['topic-partition'];
    const offset = Number((identifier as Record<string, unknown>).offset);
    if (typeof tp !== 'string' || !Number.isSafeInteger(offset)) return undefined;
    const match = /^(.+)-(\d+)$/.exec(tp);
    if (!match) return undefined;
    return kafkaItemIdentifier(match[1]!, Number(match[2]), offset);
  }
  return undefined;
}
