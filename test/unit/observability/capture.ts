/** Captures what is written to stdout/stderr while `fn` runs (Powertools writes there). */
export async function captureOutput(fn: () => unknown | Promise<unknown>): Promise<string[]> {
  const lines: string[] = [];
  const streams = [process.stdout, process.stderr] as const;
  const originals = streams.map((s) => s.write);
  for (const s of streams) {
    s.write = ((chunk: string | Uint8Array) => {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      return true;
    }) as typeof s.write;
  }
  try {
    await fn();
  } finally {
    streams.forEach((s, i) => {
      s.write = originals[i]!;
    });
  }
  return lines;
}
