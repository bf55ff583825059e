/**
 * A binary min-heap of scheduled records ordered by (time, insertion order): the generator
 * pushes derived and injected events ahead of the clock and emits everything in time order.
 */

/** An item of the queue. */
export interface Scheduled<T> {
  readonly at: number;
  readonly seq: number;
  readonly item: T;
}

/**
 * A min-heap on (at, seq).
 * @example const q = new ScheduleQueue<string>(); q.push(5, 'b'); q.push(1, 'a'); q.pop()?.item // 'a'
 */
export class ScheduleQueue<T> {
  private readonly heap: Scheduled<T>[] = [];
  private seq = 0;

  /** Number of queued items. */
  get size(): number {
    return this.heap.length;
  }

  /** Queues `item` at time `at`. @example queue.push(ts, record) */
  push(at: number, item: T): void {
    const heap = this.heap;
    heap.push({ at, seq: this.seq++, item });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  /** The earliest item, without removing it. @example queue.peek()?.at */
  peek(): Scheduled<T> | undefined {
    return this.heap[0];
  }

  /** Removes and returns the earliest item. @example const next = queue.pop() */
  pop(): Scheduled<T> | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && this.less(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && this.less(heap[r]!, heap[m]!)) m = r;
      if (m === i) break;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
    return top;
  }

  private less(a: Scheduled<T>, b: Scheduled<T>): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }
}
