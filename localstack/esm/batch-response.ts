/**
 * Reads a handler's partial batch response the way AWS documents it for Kafka event sources
 * (Lambda developer guide, "Configuring error handling controls for Kafka event sources",
 * section "PartialBatchResponse",
 * https://docs.aws.amazon.com/lambda/latest/dg/kafka-retry-configurations.html#kafka-partial-batch-response):
 * - "To report batch errors, you will use this JSON schema:
 *   `{ "batchItemFailures": [ { "itemIdentifier": { "partition": "topic-partition_number", "offset": 100 } } ] }`";
 *   only those records are retried;
 * - "If you return an empty valid JSON or null, the event source mapping will consider a batch as
 *   successfully processed";
 * - "Any invalid topic-partition_number or offset returned that was not present in the invoked
 *   event will be treated as failure and entire batch will be retried."
 *
 * The emulator accepts exactly that identifier: an object whose `partition` is the event's
 * `"<topic>-<partition>"` key and whose `offset` is a JSON number. Anything else (a string such as
 * `"<topic>-<partition>@<offset>"`, the `"topic-partition"` key an earlier revision of that page
 * printed, an offset given as a string) is not the documented schema and fails the whole batch
 * here, so a handler that would lose its partial responses in AWS loses them locally too.
 */
import { kafkaItemIdentifier } from '../../shared/kafka/msk-event.ts';

/** What the emulator does with an invocation's response. */
export type BatchResponseVerdict =
  | { readonly kind: 'success' }
  | { readonly kind: 'partial'; readonly failedIds: ReadonlySet<string> }
  | { readonly kind: 'invalid'; readonly reason: string };

/**
 * Interprets a handler's return value against the ids (`"<topic>-<partition>@<offset>"`, the
 * emulator's own record ids) of the records it was invoked with. Without
 * `ReportBatchItemFailures`, any return value is success.
 *
 * @example
 * readBatchResponse({ batchItemFailures: [{ itemIdentifier: { partition: 't-0', offset: 5 } }] }, new Set(['t-0@5']), true)
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
    if (id === undefined) {
      return {
        kind: 'invalid',
        reason: `itemIdentifier ${JSON.stringify(failure)} is not { "partition": "<topic>-<partition>", "offset": <number> }`,
      };
    }
    if (!invokedIds.has(id)) {
      return {
        kind: 'invalid',
        reason: `itemIdentifier ${JSON.stringify(failure)} is not a record of the batch`,
      };
    }
    failedIds.add(id);
  }
  return { kind: 'partial', failedIds };
}

/** The emulator's record id of a documented Kafka item identifier, or undefined for any other value. */
function itemIdOf(identifier: unknown): string | undefined {
  if (identifier === null || typeof identifier !== 'object' || Array.isArray(identifier)) return undefined;
  const { partition, offset } = identifier as Record<string, unknown>;
  if (typeof partition !== 'string' || typeof offset !== 'number' || !Number.isSafeInteger(offset)) {
    return undefined;
  }
  const match = /^(.+)-(\d+)$/.exec(partition);
  if (!match) return undefined;
  return kafkaItemIdentifier(match[1]!, Number(match[2]), offset);
}
