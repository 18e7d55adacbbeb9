// The priority queue's interface and its TypeScript reference implementation: the same
// algorithm as assembly/heap.ts (see there for the key and tie rules). The scheduler
// runs the WebAssembly heap; this one is the specification the property test holds it
// to, and the fallback when `scheduler.heap` is "typescript".

/** A max-heap of task slots keyed on aged priority. Slots are small integers chosen by the caller. */
export interface PriorityHeap {
  /** Makes room for slot ids below `capacity`. */
  reserve(capacity: number): void;
  /** Sets the heap's clock (seconds); aging is measured on it. */
  setNow(t: number): void;
  age(dt: number): void;
  size(): number;
  /** Queues `slot` with base score `base` at the current time; `deadline` breaks ties (Infinity = none). */
  push(slot: number, base: number, deadline: number): void;
  peek(): number;
  pop(): number;
  remove(slot: number): boolean;
  /** Changes a queued slot's base score, keeping its enqueue time. */
  update(slot: number, base: number): boolean;
  /** Effective priority now: base + rate * waited; NaN if the slot is not queued. */
  priority(slot: number): number;
}

interface Entry {
  key: number;
  deadline: number;
  seq: number;
  slot: number;
}

export class ReferenceHeap implements PriorityHeap {
  private entries: Entry[] = [];
  private pos: number[] = [];
  private enqueuedAt: number[] = [];
  private capacity = 0;
  private nextSeq = 0;
  private now = 0;

  constructor(
    initialCapacity: number,
    private readonly rate: number,
  ) {
    this.reserve(initialCapacity);
  }

  reserve(capacity: number): void {
    for (let i = this.capacity; i < capacity; i++) {
      this.pos[i] = -1;
      this.enqueuedAt[i] = 0;
    }
    this.capacity = Math.max(this.capacity, capacity);
  }

  setNow(t: number): void {
    this.now = t;
  }

  age(dt: number): void {
    this.now += dt;
  }

  size(): number {
    return this.entries.length;
  }

  push(slot: number, base: number, deadline: number): void {
    this.enqueuedAt[slot] = this.now;
    const e = { key: base - this.rate * this.now, deadline, seq: this.nextSeq++ >>> 0, slot };
    this.entries.push(e);
    this.siftUp(this.entries.length - 1, e);
  }

  peek(): number {
    return this.entries.length ? this.entries[0].slot : -1;
  }

  pop(): number {
    if (!this.entries.length) return -1;
    const top = this.entries[0].slot;
    this.removeAt(0);
    return top;
  }

  remove(slot: number): boolean {
    const i = slot < this.capacity ? this.pos[slot] : -1;
    if (i < 0) return false;
    this.removeAt(i);
    return true;
  }

  update(slot: number, base: number): boolean {
    const i = slot < this.capacity ? this.pos[slot] : -1;
    if (i < 0) return false;
    const e = this.entries[i];
    e.key = base - this.rate * this.enqueuedAt[slot];
    if (i > 0 && before(e, this.entries[(i - 1) >> 1])) this.siftUp(i, e);
    else this.siftDown(i, e);
    return true;
  }

  priority(slot: number): number {
    const i = slot < this.capacity ? this.pos[slot] : -1;
    return i < 0 ? NaN : this.entries[i].key + this.rate * this.now;
  }

  private removeAt(i: number): void {
    this.pos[this.entries[i].slot] = -1;
    const last = this.entries.pop()!;
    if (i === this.entries.length) return;
    if (i > 0 && before(last, this.entries[(i - 1) >> 1])) this.siftUp(i, last);
    else this.siftDown(i, last);
  }

  private siftUp(i: number, e: Entry): void {
    const a = this.entries;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(e, a[parent])) break;
      a[i] = a[parent];
      this.pos[a[i].slot] = i;
      i = parent;
    }
    a[i] = e;
    this.pos[e.slot] = i;
  }

  private siftDown(i: number, e: Entry): void {
    const a = this.entries;
    const n = a.length;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && before(a[child + 1], a[child])) child++;
      if (before(e, a[child])) break;
      a[i] = a[child];
      this.pos[a[i].slot] = i;
      i = child;
    }
    a[i] = e;
    this.pos[e.slot] = i;
  }
}

function before(x: Entry, y: Entry): boolean {
  if (x.key !== y.key) return x.key > y.key;
  if (x.deadline !== y.deadline) return x.deadline < y.deadline;
  return x.seq < y.seq;
}
