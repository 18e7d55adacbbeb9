// The scheduler's priority queue: a binary max-heap of task entries in this module's
// linear memory. Aging is folded into the key: effective priority at time t is
// base + rate * (t - enqueuedAt), so ordering by key = base - rate * enqueuedAt is the
// same at every t and passing time never reorders the heap. Ties: earlier deadline
// first (none = +inf), then insertion order. host/scheduler/heap.ts is the same
// algorithm in TypeScript; a property test requires both to agree.
//
// Entries (24 bytes): key f64 | deadline f64 | seq u32 | slot u32, at heapBase.
// Slots (16 bytes): position i32 (-1 = absent) | pad | enqueuedAt f64, at slotBase.
// Slot ids are chosen by the caller, below the reserved capacity.

const ENTRY: usize = 24;
const SLOT: usize = 16;

let heapBase: usize = 0;
let slotBase: usize = 0;
let capacity: i32 = 0;
let count: i32 = 0;
let nextSeq: u32 = 0;
let now: f64 = 0;
let rate: f64 = 0;

export function init(initialCapacity: i32, agingRate: f64): void {
  heapBase = (__heap_base + 7) & ~7;
  slotBase = heapBase;
  capacity = 0;
  count = 0;
  nextSeq = 0;
  now = 0;
  rate = agingRate;
  reserve(initialCapacity);
}

/** Makes room for slot ids below `cap`, moving the slot table behind a larger entry area. */
export function reserve(cap: i32): void {
  if (cap <= capacity) return;
  const end = heapBase + <usize>cap * (ENTRY + SLOT);
  const pages = <i32>((end + 0xffff) >> 16);
  const have = memory.size();
  if (pages > have && memory.grow(pages - have) < 0) unreachable();
  const newSlotBase = heapBase + <usize>cap * ENTRY;
  if (capacity > 0) memory.copy(newSlotBase, slotBase, <usize>capacity * SLOT);
  slotBase = newSlotBase;
  for (let i = capacity; i < cap; i++) store<i32>(slotBase + <usize>i * SLOT, -1);
  capacity = cap;
}

export function setNow(t: f64): void {
  now = t;
}

export function age(dt: f64): void {
  now += dt;
}

export function size(): i32 {
  return count;
}

@inline function entry(i: i32): usize {
  return heapBase + <usize>i * ENTRY;
}

@inline function slotAt(slot: u32): usize {
  return slotBase + <usize>slot * SLOT;
}

// Does (k, d, s) go before the entry at p?
@inline function before(k: f64, d: f64, s: u32, p: usize): bool {
  const pk = load<f64>(p);
  if (k != pk) return k > pk;
  const pd = load<f64>(p, 8);
  if (d != pd) return d < pd;
  return s < load<u32>(p, 16);
}

@inline function moveEntry(from: usize, to: i32): void {
  const t = entry(to);
  store<u64>(t, load<u64>(from));
  store<u64>(t, load<u64>(from, 8), 8);
  store<u64>(t, load<u64>(from, 16), 16);
  store<i32>(slotAt(load<u32>(from, 20)), to);
}

@inline function place(i: i32, k: f64, d: f64, s: u32, slot: u32): void {
  const p = entry(i);
  store<f64>(p, k);
  store<f64>(p, d, 8);
  store<u32>(p, s, 16);
  store<u32>(p, slot, 20);
  store<i32>(slotAt(slot), i);
}

function siftUp(i: i32, k: f64, d: f64, s: u32, slot: u32): void {
  while (i > 0) {
    const parent = (i - 1) >> 1;
    const pp = entry(parent);
    if (!before(k, d, s, pp)) break;
    moveEntry(pp, i);
    i = parent;
  }
  place(i, k, d, s, slot);
}

function siftDown(i: i32, k: f64, d: f64, s: u32, slot: u32): void {
  const n = count;
  while (true) {
    let child = 2 * i + 1;
    if (child >= n) break;
    let cp = entry(child);
    const right = child + 1;
    if (right < n) {
      const rp = entry(right);
      if (before(load<f64>(rp), load<f64>(rp, 8), load<u32>(rp, 16), cp)) {
        child = right;
        cp = rp;
      }
    }
    if (before(k, d, s, cp)) break;
    moveEntry(cp, i);
    i = child;
  }
  place(i, k, d, s, slot);
}

/** Adds a task in `slot` with base score `base`, enqueued now. */
export function push(slot: u32, base: f64, deadline: f64): void {
  const sp = slotAt(slot);
  store<f64>(sp, now, 8);
  const i = count++;
  siftUp(i, base - rate * now, deadline, nextSeq++, slot);
}

/** The slot at the top, or -1 when empty. */
export function peek(): i32 {
  return count > 0 ? <i32>load<u32>(entry(0), 20) : -1;
}

/** Removes and returns the slot at the top, or -1 when empty. */
export function pop(): i32 {
  if (count == 0) return -1;
  const top = <i32>load<u32>(entry(0), 20);
  removeAt(0);
  return top;
}

function removeAt(i: i32): void {
  const slot = load<u32>(entry(i), 20);
  store<i32>(slotAt(slot), -1);
  const last = --count;
  if (i == last) return;
  const lp = entry(last);
  const k = load<f64>(lp), d = load<f64>(lp, 8);
  const s = load<u32>(lp, 16), ls = load<u32>(lp, 20);
  if (i > 0 && before(k, d, s, entry((i - 1) >> 1))) siftUp(i, k, d, s, ls);
  else siftDown(i, k, d, s, ls);
}

/** Removes the task in `slot`; false if it is not queued. */
export function remove(slot: u32): bool {
  if (<i32>slot >= capacity) return false;
  const i = load<i32>(slotAt(slot));
  if (i < 0) return false;
  removeAt(i);
  return true;
}

/** Changes the base score of a queued task, keeping its enqueue time; false if absent. */
export function update(slot: u32, base: f64): bool {
  if (<i32>slot >= capacity) return false;
  const i = load<i32>(slotAt(slot));
  if (i < 0) return false;
  const p = entry(i);
  const k = base - rate * load<f64>(slotAt(slot), 8);
  const d = load<f64>(p, 8), s = load<u32>(p, 16);
  if (i > 0 && before(k, d, s, entry((i - 1) >> 1))) siftUp(i, k, d, s, slot);
  else siftDown(i, k, d, s, slot);
  return true;
}

/** Effective priority of a queued task now (base + aging), NaN if absent. */
export function priority(slot: u32): f64 {
  if (<i32>slot >= capacity) return NaN;
  const i = load<i32>(slotAt(slot));
  if (i < 0) return NaN;
  return load<f64>(entry(i)) + rate * now;
}
