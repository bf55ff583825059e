/**
 * Entry of a stage worker process: resolves the pipeline it is told (by name or module), runs one
 * of its stages' event source mappings with `startPipeline`
 * and reports its counters to the parent every {@link SNAPSHOT_EVERY_MS}. Stops on the parent's
 * `stop` (finish in-flight batches, commit, disconnect) or when the parent goes away; ignores
 * SIGINT/SIGTERM, which a terminal also sends to the whole process group: the parent decides.
 * A `stop` that comes while the mappings are still starting (a replacement stopped during its
 * start) waits for them, so that the pollers leave their groups instead of lingering in them
 * until their session times out.
 */
import { type PipelineHandle, startPipeline } from './pipeline.ts';
import { resolvePipelineReference } from './pipeline-reference.ts';
import type { FromStageWorker, StageWorkerSnapshot, ToStageWorker } from './stage-worker-protocol.ts';

const SNAPSHOT_EVERY_MS = 200;

let pipeline: PipelineHandle | undefined;
/** The start under way (settles once the mappings run or failed to start). */
let starting: Promise<unknown> | undefined;
let survivedErrors = 0;
let lastErrorReportAt = 0;
let stopping: Promise<void> | undefined;

/** Sends to the parent; a parent already gone (Ctrl-C) is not an error: `disconnect` stops us. */
function send(message: FromStageWorker): void {
  if (process.connected) process.send?.(message, undefined, {}, () => {});
}

function snapshot(): StageWorkerSnapshot {
  const cpu = process.cpuUsage();
  return {
    counters: pipeline?.counters() ?? [],
    rssBytes: process.memoryUsage().rss,
    cpuMicros: cpu.user + cpu.system,
    survivedErrors,
  };
}

function stop(): Promise<void> {
  stopping ??= (async () => {
    clearInterval(timer);
    await starting;
    await pipeline?.stop();
    // Exit only once the last counters are on their way (a send is asynchronous).
    const last: FromStageWorker = { type: 'stopped', ...snapshot() };
    if (process.connected && process.send)
      await new Promise((resolve) => process.send?.(last, undefined, {}, resolve));
    process.exit(0);
  })();
  return stopping;
}

const timer = setInterval(() => {
  if (pipeline) send({ type: 'counters', ...snapshot() });
}, SNAPSHOT_EVERY_MS);

process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});
process.on('disconnect', () => void stop());

process.on('message', (message: ToStageWorker) => {
  switch (message.type) {
    case 'start': {
      const { type: _type, pipeline: reference, stage, ...options } = message;
      starting = resolvePipelineReference(reference)
        .then((definition) =>
          startPipeline({
            ...options,
            pipeline: definition,
            stages: [stage],
            onError: (error) => {
              survivedErrors++;
              // At most one report per second: a rebalance can refuse many commits at once.
              if (Date.now() - lastErrorReportAt < 1000) return;
              lastErrorReportAt = Date.now();
              send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
            },
          }),
        )
        .then((started) => {
          pipeline = started;
          send({ type: 'started', ...snapshot() });
        })
        .catch((error: unknown) => {
          send({
            type: 'failed',
            message: error instanceof Error ? error.message : String(error),
            stack: error instanceof Error ? error.stack : undefined,
          });
          process.exit(1);
        });
      break;
    }
    case 'stop':
      void stop();
      break;
    case 'kill':
      clearInterval(timer);
      void (pipeline?.kill() ?? Promise.resolve()).finally(() => process.exit(0));
      break;
  }
});
