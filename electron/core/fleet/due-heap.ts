/**
 * A binary min-heap of (due time, key), the scheduler's queue.
 *
 * 10,000 miners polled every 5 s means 2,000 pops a second; a heap keeps each O(log n) instead of
 * scanning the fleet on every timer.
 */
export class DueHeap<K> {
  private readonly dues: number[] = [];
  private readonly keys: K[] = [];

  get size(): number {
    return this.dues.length;
  }

  /** Due time of the earliest entry, or Infinity when empty. */
  peekDue(): number {
    return this.dues.length ? this.dues[0]! : Infinity;
  }

  push(due: number, key: K): void {
    const d = this.dues;
    const k = this.keys;
    let i = d.length;
    d.push(due);
    k.push(key);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (d[p]! <= due) break;
      d[i] = d[p]!;
      k[i] = k[p]!;
      i = p;
    }
    d[i] = due;
    k[i] = key;
  }

  pop(): K | undefined {
    const d = this.dues;
    const k = this.keys;
    if (d.length === 0) return undefined;
    const top = k[0]!;
    const lastDue = d.pop()!;
    const lastKey = k.pop()!;
    const n = d.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && d[r]! < d[l]! ? r : l;
        if (d[c]! >= lastDue) break;
        d[i] = d[c]!;
        k[i] = k[c]!;
        i = c;
      }
      d[i] = lastDue;
      k[i] = lastKey;
    }
    return top;
  }

  clear(): void {
    this.dues.length = 0;
    this.keys.length = 0;
  }
}
