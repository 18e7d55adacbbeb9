// The priority queue: the WebAssembly heap (host/scheduler/assembly/heap.ts) against its
// TypeScript reference, and the starvation bound that aging gives.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import fc from 'fast-check';
import { ReferenceHeap, type PriorityHeap } from '../host/scheduler/heap.ts';
import { WasmHeap, heapModule } from '../host/scheduler/wasm-heap.ts';

let module: WebAssembly.Module;
before(async () => {
  module = await heapModule();
});

type Op =
  | { op: 'push'; base: number; deadline: number }
  | { op: 'pop' }
  | { op: 'reweight'; pick: number; base: number }
  | { op: 'remove'; pick: number }
  | { op: 'age'; dt: number };

const unit = fc.double({ min: 0, max: 1, noNaN: true });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('push' as const), base: fc.oneof(unit, fc.constantFrom(0, 0.5, 1)), deadline: fc.oneof(fc.constant(Infinity), fc.integer({ min: 1, max: 5 })) }) },
  { weight: 3, arbitrary: fc.constant({ op: 'pop' as const }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('reweight' as const), pick: fc.nat(), base: unit }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('remove' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('age' as const), dt: fc.oneof(fc.double({ min: 0, max: 30, noNaN: true }), fc.constant(0)) }) },
);

/** Runs the ops on a heap; returns every observable answer in order. */
function run(heap: PriorityHeap, ops: Op[]): unknown[] {
  const out: unknown[] = [];
  const live: number[] = [];
  const free: number[] = [];
  let next = 0;
  let reserved = 4;
  for (const o of ops) {
    if (o.op === 'push') {
      const slot = free.pop() ?? next++;
      if (slot >= reserved) heap.reserve((reserved *= 2));
      heap.push(slot, o.base, o.deadline);
      live.push(slot);
    } else if (o.op === 'pop') {
      const slot = heap.pop();
      out.push(['pop', slot]);
      if (slot >= 0) {
        live.splice(live.indexOf(slot), 1);
        free.push(slot);
      }
    } else if (o.op === 'age') heap.age(o.dt);
    else if (live.length) {
      const slot = live[o.pick % live.length];
      if (o.op === 'reweight') out.push(['reweight', heap.update(slot, o.base)]);
      else {
        out.push(['remove', heap.remove(slot)]);
        live.splice(live.indexOf(slot), 1);
        free.push(slot);
      }
    }
    out.push(['top', heap.peek(), heap.size(), heap.peek() >= 0 ? heap.priority(heap.peek()) : null]);
  }
  for (let s = heap.pop(); s >= 0; s = heap.pop()) out.push(['drain', s]);
  return out;
}

describe('WebAssembly heap and TypeScript reference', () => {
  test('give identical answers for random enqueue / dequeue / reweight / remove / age sequences', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 300 }), fc.double({ min: 0.001, max: 1, noNaN: true }), (ops, rate) => {
        assert.deepEqual(run(new WasmHeap(module, 4, rate), ops), run(new ReferenceHeap(4, rate), ops));
      }),
      { numRuns: 300 },
    );
  });

  test('order by aged priority, then earlier deadline, then arrival', () => {
    for (const heap of [new WasmHeap(module, 8, 0.25), new ReferenceHeap(8, 0.25)]) {
      heap.push(0, 0.5, Infinity); // t=0: key 0.5
      heap.age(2);
      heap.push(1, 1, Infinity); // t=2: key 0.5, later arrival
      heap.push(2, 1, 100); // t=2: key 0.5, has a deadline
      heap.push(3, 0.75, Infinity); // t=2: key 0.25
      assert.deepEqual([heap.pop(), heap.pop(), heap.pop(), heap.pop()], [2, 0, 1, 3]);
    }
  });

  test('a reweighted task keeps its waiting time', () => {
    for (const heap of [new WasmHeap(module, 8, 0.1), new ReferenceHeap(8, 0.1)]) {
      heap.push(0, 0.2, Infinity);
      heap.age(5);
      heap.push(1, 0.6, Infinity);
      assert.equal(heap.peek(), 0, 'aged 0.2 + 0.5 beats fresh 0.6');
      heap.update(0, 0);
      assert.equal(heap.peek(), 1, 'aged 0 + 0.5 loses to fresh 0.6');
      assert.ok(Math.abs(heap.priority(0) - 0.5) < 1e-12);
    }
  });

  test('grows past its initial capacity keeping every queued task', () => {
    const heap = new WasmHeap(module, 2, 0.01);
    heap.reserve(5000);
    for (let i = 0; i < 5000; i++) heap.push(i, (i % 97) / 97, Infinity);
    heap.reserve(20000);
    const seen = new Set<number>();
    for (let s = heap.pop(); s >= 0; s = heap.pop()) seen.add(s);
    assert.equal(seen.size, 5000);
  });
});

describe('starvation bound', () => {
  // With aging rate a, a task of base b queued at t0 has key b - a*t0; a task arriving k
  // time units later has key at most 1 - a*(t0 + k), so none arriving k >= (1 - b)/a after
  // it can precede it. With Q0 tasks already queued, h arrivals and one dispatch per unit,
  // it is dispatched within Q0 + h * ceil((1 - b)/a) + 1 dispatches.
  test('a low-score task is dispatched within Q0 + h·⌈(1 − b)/a⌉ + 1 dispatches under a stream of higher ones', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 1, max: 4 }),
        fc.double({ min: 0, max: 0.9, noNaN: true }),
        fc.double({ min: 0.02, max: 0.5, noNaN: true }),
        fc.infiniteStream(unit),
        fc.boolean(),
        (q0, h, low, rate, highs, wasm) => {
          const heap: PriorityHeap = wasm ? new WasmHeap(module, 16, rate) : new ReferenceHeap(16, rate);
          let slot = 0;
          const push = (base: number) => {
            heap.reserve(slot + 1);
            heap.push(slot++, base, Infinity);
          };
          const high = () => low + (1 - low) * highs.next().value;
          for (let i = 0; i < q0; i++) push(high());
          const target = slot;
          push(low);
          const bound = q0 + h * Math.ceil((1 - low) / rate) + 1;
          for (let step = 1; step <= bound; step++) {
            heap.age(1);
            for (let i = 0; i < h; i++) push(high());
            if (heap.pop() === target) return;
          }
          assert.fail(`the low task (base ${low}) was not dispatched within ${bound} dispatches`);
        },
      ),
      { numRuns: 200 },
    );
  });
});
