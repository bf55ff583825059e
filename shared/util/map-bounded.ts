/**
 * Maps `items` through an async function with at most `limit` calls in flight; results keep the
 * input order. The first rejection rejects the whole call (use it for all-or-nothing work).
 *
 * @example await mapBounded(chunks, 4, (c) => send(c))
 */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return results;
}
