/**
 * Captures every line written to stdout/stderr (Powertools logs and EMF metrics go there), for
 * tests that check what was logged. Shared by the unit and the stage integration tests.
 */

/** Lines captured so far; `stop()` restores the streams. */
export interface LogCapture {
  readonly lines: string[];
  stop(): void;
}

/**
 * Starts capturing; lines are kept (and not written to the terminal) until `stop()`.
 * @example const capture = captureLogs(); await handler(event); capture.stop(); capture.lines
 */
export function captureLogs(): LogCapture {
  const lines: string[] = [];
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((s) => s.write);
  for (const s of streams) {
    s.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      lines.push(...text.split('\n').filter(Boolean));
      const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }) as typeof s.write;
  }
  return {
    lines,
    stop() {
      streams.forEach((s, i) => {
        s.write = originals[i]!;
      });
    },
  };
}

/**
 * The lines written while `fn` runs.
 * @example const lines = await captureOutput(() => logger.info('x'));
 */
export async function captureOutput(fn: () => unknown | Promise<unknown>): Promise<string[]> {
  const capture = captureLogs();
  try {
    await fn();
  } finally {
    capture.stop();
  }
  return capture.lines;
}
