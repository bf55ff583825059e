/**
 * The fault runs' independent check: what hot storage holds (a full scan of every checked table,
 * rows and distinct ids), and what the reject and dead-letter topics received during the scenario
 * (original records, each counted once by where it was read from, so an at-least-once redelivery
 * that rejects or dead-letters the same record twice is seen as a copy, not as a second record).
 * It reads Cassandra and Kafka directly, never the main job's own lookups.
 */
import { createHash } from 'node:crypto';
import type cassandra from 'cassandra-driver';
import type { Admin, Kafka } from 'kafkajs';
import {
  type EndOffsets,
  endOffsets,
  forEachRecordBetween,
  recordsBetween,
} from '../../../localstack/main-job/topic-window.ts';
import { headerText } from '../../../shared/kafka/headers.ts';
import { REPLAY_HEADER } from '../../../shared/replay/constants.ts';
import type { DeadLetter } from '../../../shared/replay/dead-letter.ts';
import { type DeadLetterPipeline, decodeDeadLetters } from '../../../shared/replay/decode.ts';
import { replayIdOf } from '../../../shared/replay/replay-id.ts';
import type { CheckedTable, TableCount } from './fault-pipeline.ts';

export type { TableCount } from './fault-pipeline.ts';

/**
 * Empties the checked tables of the private stack, so that a scan sees the scenario's rows only.
 * A table not created yet (first scenario) is skipped.
 */
export async function truncateTables(
  client: cassandra.Client,
  keyspace: string,
  tables: readonly CheckedTable[],
): Promise<void> {
  for (const t of tables) {
    try {
      await client.execute(`TRUNCATE ${keyspace}.${t.name}`);
    } catch (error) {
      if (!/unconfigured table|does not exist|Keyspace .* does not exist/i.test(String(error))) throw error;
    }
  }
}

/**
 * Scans a whole table for its id column: every row, and how many rows each id has.
 * @example const { rows, ids } = await scanTable(client, 'orion_cdr', { name: 'cdr_by_id', idColumn: 'cdr_id' });
 */
export function scanTable(
  client: cassandra.Client,
  keyspace: string,
  table: CheckedTable,
): Promise<TableCount> {
  const ids = new Map<string, number>();
  let rows = 0;
  const columns = table.idOf?.columns ?? [table.idColumn];
  const idOf = table.idOf?.id ?? ((row: cassandra.types.Row) => String(row.get(table.idColumn)));
  return new Promise((resolve, reject) => {
    client.eachRow(
      `SELECT ${columns.join(', ')} FROM ${keyspace}.${table.name}`,
      [],
      { prepare: true, fetchSize: 5000, autoPage: true },
      (_n, row) => {
        rows++;
        const id = idOf(row);
        ids.set(id, (ids.get(id) ?? 0) + 1);
      },
      (error) => (error ? reject(error) : resolve({ table: table.name, rows, ids })),
    );
  });
}

/** The identity of the generated record a dead letter (or reject) holds; see {@link tallyOriginals}. */
function identityOf(letter: DeadLetter, entryTopics: ReadonlySet<string>): string {
  const s = letter.source;
  // Without source coordinates (an unknown format) the record is its own identity.
  if (!s) return `${letter.at.topic}/${letter.at.partition}/${letter.at.offset}#${letter.index}`;
  if (entryTopics.has(s.topic)) return `${s.topic}/${s.partition}/${s.offset}`;
  const hash = createHash('sha1');
  hash.update(letter.key ?? Buffer.alloc(0));
  hash.update('\0');
  hash.update(letter.value ?? Buffer.alloc(0));
  return `${letter.stage ?? s.topic}:${hash.digest('hex')}`;
}

/**
 * The identity of the original each dead letter holds, by its replay id without the job
 * (`@<topic>-<partition>@<offset>[#<index>]`): a record the replay republished is then known as
 * that original wherever it lands again (a reject of the replayed copy is no second record).
 */
export type ReplayedOriginals = Map<string, string>;

/** `<jobId>@<topic>-<partition>@<offset>[#<index>]` without its job id (the fault runs' have no `@`). */
const withoutJob = (replayId: string) => replayId.slice(replayId.indexOf('@'));

/**
 * The identity of the generated record `letter` holds (see {@link tallyOriginals}), recorded in
 * `replayed` under the letter's own replay id.
 * @example identifyOriginal(letter, new Set(['cdr.raw.fr']), new Map()) // 'cdr.raw.fr/3/120'
 */
export function identifyOriginal(
  letter: DeadLetter,
  entryTopics: ReadonlySet<string>,
  replayed: ReplayedOriginals,
): string {
  const replayId = headerText(letter.headers, REPLAY_HEADER.id);
  const id = (replayId && replayed.get(withoutJob(replayId))) || identityOf(letter, entryTopics);
  replayed.set(withoutJob(replayIdOf('', letter)), id);
  return id;
}

/** Original records a set of topics received between two snapshots. */
export interface TopicTally {
  /** Records written (a dead-letter record of AWS's format may hold several originals). */
  readonly records: number;
  /** Original records, each once (see {@link tallyOriginals} for how they are told apart). */
  readonly distinct: number;
  /** Originals beyond the first of the same record (redelivered copies). */
  readonly copies: number;
  /** Distinct originals by reason code. */
  readonly byReason: Readonly<Record<string, number>>;
  /** Distinct originals by the stage that failed (or `?`). */
  readonly byStage: Readonly<Record<string, number>>;
}

/**
 * Reads what `before → after` holds on each topic and counts its original records. An original
 * read from an entry topic is identified by its coordinates there (one per generated record, even
 * when two are byte for byte the same); one read from a later topic by the stage and its bytes,
 * since a redelivery upstream may have written the same record twice to that topic, at two
 * offsets (the stages' outputs are deterministic); a replayed copy (its replay id in `replayed`)
 * as the original it republished. Each letter read is added to `replayed`, so that a dead letter
 * of a replayed copy is known as its original too.
 * @example await tallyOriginals(kafka, rejectedBefore, rejectedAfter, new Set(['cdr.raw.fr']), pipeline)
 */
export async function tallyOriginals(
  kafka: Kafka,
  before: EndOffsets,
  after: EndOffsets,
  entryTopics: ReadonlySet<string>,
  pipeline: DeadLetterPipeline,
  replayed: ReplayedOriginals = new Map(),
): Promise<TopicTally> {
  const seen = new Set<string>();
  const byReason: Record<string, number> = {};
  const byStage: Record<string, number> = {};
  let originals = 0;
  await forEachRecordBetween(kafka, before, after, (record) => {
    for (const letter of decodeDeadLetters(record, pipeline)) {
      originals++;
      const id = identifyOriginal(letter, entryTopics, replayed);
      if (seen.has(id)) continue;
      seen.add(id);
      byReason[letter.reason] = (byReason[letter.reason] ?? 0) + 1;
      const stage = letter.stage ?? '?';
      byStage[stage] = (byStage[stage] ?? 0) + 1;
    }
  });
  return {
    records: recordsBetween(before, after),
    distinct: seen.size,
    copies: originals - seen.size,
    byReason,
    byStage,
  };
}

/** A place's count and the expected ids it holds. */
export interface HeldCount {
  readonly count: TableCount;
  /** @default every expected id */
  readonly holds?: (id: string) => boolean;
}

/** What the places hold of the expected ids, together. */
export interface StoredCheck {
  /** Rows beyond one per id, over every place. */
  readonly duplicates: number;
  /** Rows (per place) of ids the run never expected. */
  readonly extra: number;
  /** Expected ids a place holds but has no row for, by place. */
  readonly missingIn: Readonly<Record<string, number>>;
  /** Expected ids found in every place that holds them (an id no place holds is not stored). */
  readonly stored: ReadonlyMap<string, true>;
  /** Copies no duplicate by design (see `TableCount.copies`), by place with any. */
  readonly copiesIn: Readonly<Record<string, number>>;
}

/**
 * Holds the places' counts against the expected ids: each expected id must have exactly one row in
 * every place that holds it, and at least one place must hold it.
 * @example checkStored(new Set(['a']), [{ count: { table: 't', rows: 1, ids: new Map([['a', 1]]) } }]).stored.size // 1
 */
export function checkStored(
  expected: ReadonlySet<string> | ReadonlyMap<string, unknown>,
  places: readonly HeldCount[],
): StoredCheck {
  let duplicates = 0;
  let extra = 0;
  const missingIn: Record<string, number> = {};
  const copiesIn: Record<string, number> = {};
  const heldSomewhere = new Set<string>();
  const stored = new Map<string, true>();
  for (const id of expected.keys()) stored.set(id, true);
  for (const { count, holds } of places) {
    duplicates += count.rows - count.ids.size;
    if (count.copies) copiesIn[count.table] = count.copies;
    for (const id of count.ids.keys()) if (!expected.has(id)) extra++;
    let missing = 0;
    for (const id of expected.keys()) {
      if (holds && !holds(id)) continue;
      heldSomewhere.add(id);
      if (!count.ids.has(id)) {
        missing++;
        stored.delete(id);
      }
    }
    missingIn[count.table] = missing;
  }
  for (const id of stored.keys()) if (!heldSomewhere.has(id)) stored.delete(id);
  return { duplicates, extra, missingIn, stored, copiesIn };
}

/** Where a loss can be traced: every topic's records that hold each id, and its repeated records. */
export interface LossTrace {
  /** Per id: `topic/partition@offset` of each record whose value holds it. */
  readonly holders: Readonly<Record<string, readonly string[]>>;
  /** Per topic with any: records whose bytes an earlier record of the topic already had. */
  readonly copies: Readonly<Record<string, { readonly count: number; readonly sample: readonly string[] }>>;
}

/**
 * Reads every topic of the stack (internal ones aside) and says where the ids a check could not
 * find are, and which records were written twice: a loss whose counts are still exact (a copy in
 * place of each lost record) shows where the copy came from.
 * @example await traceLoss(kafka, admin, ['0208f9f1-bb81-8cd8-8310-800554e67330'])
 */
export async function traceLoss(kafka: Kafka, admin: Admin, ids: readonly string[]): Promise<LossTrace> {
  const topics = (await admin.listTopics()).filter((t) => !t.startsWith('__'));
  const after = await endOffsets(admin, topics);
  const needles = ids.map((id) => [id, Buffer.from(id)] as const);
  const holders: Record<string, string[]> = Object.fromEntries(ids.map((id) => [id, []]));
  const seen = new Map<string, Set<string>>();
  const copies: Record<string, { count: number; sample: string[] }> = {};
  await forEachRecordBetween(kafka, new Map(), after, (record) => {
    const at = `${record.topic}/${record.partition}@${record.offset}`;
    for (const [id, needle] of needles) if (record.value?.includes(needle)) holders[id]!.push(at);
    const digest = createHash('sha1')
      .update(record.key ?? Buffer.alloc(0))
      .update('\0')
      .update(record.value ?? Buffer.alloc(0))
      .digest('hex');
    const topicSeen = seen.get(record.topic) ?? new Set<string>();
    seen.set(record.topic, topicSeen);
    if (!topicSeen.has(digest)) {
      topicSeen.add(digest);
      return;
    }
    const entry = copies[record.topic] ?? { count: 0, sample: [] };
    copies[record.topic] = entry;
    entry.count++;
    if (entry.sample.length < 10) entry.sample.push(at);
  });
  return { holders, copies };
}
