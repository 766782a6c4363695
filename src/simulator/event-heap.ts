/** A min-heap of events by due time, ties kept in insertion order, so sent → delivered → read leave in order. */
export interface Due<T> {
  readonly due: number;
  readonly seq: number;
  readonly item: T;
}

export class EventHeap<T> {
  private readonly items: Due<T>[] = [];
  private seq = 0;

  get size(): number {
    return this.items.length;
  }

  push(due: number, item: T): void {
    this.restore({ due, seq: this.seq++, item });
  }

  /** Puts back an entry taken with `popEntry`, in the place it had (its due time and its turn among ties). */
  restore(node: Due<T>): void {
    const a = this.items;
    a.push(node);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(a[i]!, a[parent]!)) break;
      [a[i], a[parent]] = [a[parent]!, a[i]!];
      i = parent;
    }
  }

  peekDue(): number | undefined {
    return this.items[0]?.due;
  }

  pop(): T | undefined {
    return this.popEntry()?.item;
  }

  popEntry(): Due<T> | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (top === undefined || last === undefined) return undefined;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && before(a[l]!, a[m]!)) m = l;
        if (r < a.length && before(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}

function before<T>(x: Due<T>, y: Due<T>): boolean {
  return x.due < y.due || (x.due === y.due && x.seq < y.seq);
}
