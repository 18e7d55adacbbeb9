// The validator driver (drivers-as/validator) through the kernel: it reads a schema from
// context with context-read, validates a document against it and transforms it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Kernel } from '../host/index.ts';
import { Code } from '../host/base/errors.ts';
import { openKernel, type OpenKernel } from './helpers/kernel.ts';

let fixture: OpenKernel;
let kernel: Kernel;

const orderSchema = {
  type: 'object',
  required: ['id', 'email', 'items'],
  additionalProperties: false,
  properties: {
    id: { type: 'integer', minimum: 1 },
    email: { type: 'string', 'x-transform': 'lowercase', maxLength: 64 },
    status: { type: 'string', enum: ['new', 'paid', 'shipped'], default: 'new' },
    note: { type: ['string', 'null'], 'x-transform': 'trim', 'x-rename': 'comment' },
    items: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['sku', 'qty'],
        properties: { sku: { type: 'string', 'x-transform': 'uppercase', minLength: 3 }, qty: { type: 'integer', exclusiveMinimum: 0 } },
      },
    },
  },
};

before(async () => {
  fixture = await openKernel({ drivers: { loadExamples: true } });
  kernel = fixture.kernel;
  await kernel.call('sys_context_write', { namespace: 'schemas', key: 'order', data: Buffer.from(JSON.stringify(orderSchema)) });
  await kernel.call('sys_context_write', { namespace: 'schemas', key: 'any', data: Buffer.from('{}') });
});

after(async () => {
  await fixture.close();
});

async function validate(schema: string, document: unknown): Promise<any> {
  const res = await kernel.call('sys_driver_invoke', { name: 'validator', input: Buffer.from(JSON.stringify({ schema, document })) });
  return JSON.parse(Buffer.from(res.output).toString());
}

test('accepts a valid document and transforms it as the schema declares', async () => {
  const r = await validate('order', { id: 7, email: 'Ada@Example.COM', note: '  leave at door ', items: [{ sku: 'ab-1', qty: 2 }] });
  assert.deepEqual(r, {
    valid: true,
    document: { id: 7, email: 'ada@example.com', comment: 'leave at door', items: [{ sku: 'AB-1', qty: 2 }], status: 'new' },
  });
});

test('lists every error with its path', async () => {
  const r = await validate('order', { id: 0, email: 42, status: 'lost', extra: true, items: [{ sku: 'x', qty: 1.5 }, { qty: 1 }] });
  assert.equal(r.valid, false);
  assert.deepEqual(
    r.errors.map((e: any) => e.path).sort(),
    ['$.email', '$.extra', '$.id', '$.items[0].qty', '$.items[0].sku', '$.items[1].sku', '$.status'].sort(),
  );
  assert.deepEqual(r.errors.find((e: any) => e.path === '$.email'), { path: '$.email', message: 'expected string, got integer' });
  assert.deepEqual(r.errors.find((e: any) => e.path === '$.items[1].sku'), { path: '$.items[1].sku', message: 'is required' });
});

test('sees a schema change made in context on the next call', async () => {
  await kernel.call('sys_context_write', { namespace: 'schemas', key: 'tag', data: Buffer.from(JSON.stringify({ type: 'string', maxLength: 3 })) });
  assert.equal((await validate('tag', 'abcd')).valid, false);
  await kernel.call('sys_context_write', { namespace: 'schemas', key: 'tag', data: Buffer.from(JSON.stringify({ type: 'string', maxLength: 10 })) });
  assert.deepEqual(await validate('tag', 'abcd'), { valid: true, document: 'abcd' });
});

test('keeps strings with escapes and unicode intact', async () => {
  const doc = { text: 'line\n"quoted" \\ tab\t café ✓ 😀', n: -1.25e-3, big: 12345678901, nested: [null, true, false, {}] };
  assert.deepEqual(await validate('any', doc), { valid: true, document: doc });
});

test('decodes \\u escapes, surrogate pairs included', async () => {
  const input = '{"schema": "any", "document": "caf\\u00e9 \\ud83d\\ude00 \\u0041"}';
  const res = await kernel.call('sys_driver_invoke', { name: 'validator', input: Buffer.from(input) });
  assert.deepEqual(JSON.parse(Buffer.from(res.output).toString()), { valid: true, document: 'café 😀 A' });
});

test('answers an error naming a schema that is not in context', async () => {
  await assert.rejects(
    kernel.call('sys_driver_invoke', { name: 'validator', input: Buffer.from(JSON.stringify({ schema: 'missing', document: {} })) }),
    (e: any) => e.code === Code.ABORTED && e.message.includes("no schema 'missing' in context namespace 'schemas'"),
  );
});

test('answers an error for input that is not JSON', async () => {
  await assert.rejects(
    kernel.call('sys_driver_invoke', { name: 'validator', input: Buffer.from('{"schema": "order", ') }),
    (e: any) => e.code === Code.ABORTED && /input is not JSON: .* at offset \d+/.test(e.message),
  );
});
