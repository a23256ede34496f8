// The serving pieces alone: the protocol codec and the ModelRunner's queue and batching (on a
// fake Network that records its runs).
import { describe, expect, it } from 'vitest';

import { Tensor } from '../dist/index.js';
import { ModelRunner } from '../dist/serve/batcher.js';
import { decodeInferRequest, encodeInferResponse, fromDatatype, splitBody, toDatatype } from '../dist/serve/protocol.js';

const info = (name: string, shape: Array<number | string>) => ({ name, dtype: 'float32' as const, shape });

describe('protocol codec', () => {
  it('maps datatypes both ways', () => {
    expect(toDatatype('float32')).toBe('FP32');
    expect(toDatatype('string')).toBe('BYTES');
    expect(fromDatatype('INT64')).toBe('int64');
    expect(fromDatatype('constructor')).toBeUndefined();
  });

  it('treats input names as plain keys (no prototype lookups)', () => {
    const inputs = [info('constructor', ['n']), info('toString', ['n'])];
    const d = decodeInferRequest({
      inputs: [{ name: 'constructor', shape: [1], datatype: 'FP32', data: [1] }, { name: 'toString', shape: [1], datatype: 'FP32', data: [2] }],
    }, null, inputs, [info('y', ['n'])]);
    expect(Object.keys(d.feeds)).toEqual(['constructor', 'toString']);
    expect(() => decodeInferRequest({ inputs: [{ name: '__proto__', shape: [1], datatype: 'FP32', data: [1] }] }, null, inputs, []))
      .toThrow(/unknown input '__proto__'/);
  });

  it('takes a scalar as a bare value and splits a binary body', () => {
    const d = decodeInferRequest({ inputs: [{ name: 's', shape: [], datatype: 'FP32', data: 2.5 }] }, null, [info('s', [])], [info('y', [])]);
    expect(d.feeds.s.shape).toEqual([]);
    expect(Array.from(d.feeds.s.data as Float32Array)).toEqual([2.5]);
    const body = Buffer.concat([Buffer.from('{"inputs":[]}'), Buffer.from([1, 2, 3])]);
    const { json, binary } = splitBody(body, '13');
    expect(json).toEqual({ inputs: [] });
    expect([...binary!]).toEqual([1, 2, 3]);
    expect(() => splitBody(body, '-1')).toThrow(/Inference-Header-Content-Length/);
    expect(() => splitBody(Buffer.alloc(0), undefined)).toThrow(/empty/);
  });

  it('encodes JSON and binary outputs in the requested order', () => {
    const out = { a: new Tensor('float32', new Float32Array([1, 2]), [2]), b: new Tensor('int64', new BigInt64Array([3n]), [1]) };
    const json = encodeInferResponse('m', '1', { feeds: {}, outputs: ['b', 'a'], binary: { a: false, b: false } }, out);
    expect(JSON.parse(json.body as string).outputs.map((o: { name: string }) => o.name)).toEqual(['b', 'a']);
    const bin = encodeInferResponse('m', '1', { id: 'x', feeds: {}, outputs: ['a'], binary: { a: true } }, out);
    expect(bin.contentType).toBe('application/octet-stream');
    const buf = bin.body as Buffer;
    expect(JSON.parse(buf.subarray(0, bin.headerLength).toString())).toMatchObject({ id: 'x', outputs: [{ name: 'a', parameters: { binary_data_size: 8 } }] });
    expect(buf.length).toBe(bin.headerLength! + 8);
  });
});

/** A stand-in for Network: y = x * 2, recording the rows of each run; each run takes `ms`. */
function fakeNet(ms: number, log: number[]) {
  return {
    inputs: [info('x', ['n', 2])],
    outputs: [info('y', ['n', 2])],
    async run(feeds: Record<string, Tensor>) {
      log.push(feeds.x.shape[0]);
      await new Promise((r) => setTimeout(r, ms));
      const x = feeds.x.data as Float32Array;
      return { y: new Tensor('float32', x.map((v) => v * 2), feeds.x.shape) };
    },
    dispose() {},
  };
}
const rows = (n: number, v: number) => ({ x: new Tensor('float32', new Float32Array(n * 2).fill(v), [n, 2]) });

describe('ModelRunner', () => {
  it('batches queued requests up to maxBatch rows and splits the outputs back', async () => {
    const log: number[] = [];
    const runner = new ModelRunner([fakeNet(20, log)] as never, { maxBatch: 4, batchDelayMs: 50, maxQueue: 100 });
    expect(runner.batchable).toBe(true);
    const results = await Promise.all([1, 2, 1, 3, 1].map((n, k) => runner.submit(rows(n, k), ['y'])));
    results.forEach((r, k) => {
      expect(r.y.shape[0]).toBe([1, 2, 1, 3, 1][k]);
      expect(Array.from(r.y.data as Float32Array).every((v) => v === 2 * k)).toBe(true);
    });
    expect(log.reduce((a, b) => a + b, 0)).toBe(8);
    expect(Math.max(...log)).toBeLessThanOrEqual(4);
    expect(log[0]).toBe(4);   // 1 + 2 + 1: full, so it went before the delay
  });

  it('takes a power-of-two number of rows when the requests allow it', async () => {
    const log: number[] = [];
    const runner = new ModelRunner([fakeNet(10, log)] as never, { maxBatch: 8, batchDelayMs: 20, maxQueue: 100 });
    await Promise.all(Array.from({ length: 7 }, (_, k) => runner.submit(rows(1, k), ['y'])));
    expect(log).toEqual([4, 2, 1]);
    log.length = 0;
    await Promise.all([3, 2].map((n) => runner.submit(rows(n, 1), ['y'])));   // 5 rows: 3 alone (over the cap of 4 with 2), then 2
    expect(log).toEqual([3, 2]);
  });

  it('refuses beyond maxQueue with 503, removes aborted requests, and drains', async () => {
    const log: number[] = [];
    const runner = new ModelRunner([fakeNet(30, log)] as never, { maxBatch: 1, batchDelayMs: 0, maxQueue: 2 });
    expect(runner.batchable).toBe(false);
    const first = runner.submit(rows(1, 1), ['y']);   // runs at once
    const abort = new AbortController();
    const second = runner.submit(rows(1, 2), ['y'], abort.signal);
    const third = runner.submit(rows(1, 3), ['y']);
    await expect(runner.submit(rows(1, 4), ['y'])).rejects.toMatchObject({ status: 503, headers: { 'retry-after': '1' } });
    abort.abort();
    await expect(second).rejects.toThrow(/aborted/);
    expect(runner.queueDepth).toBe(1);
    const drained = runner.drain();
    await expect(runner.submit(rows(1, 5), ['y'])).rejects.toMatchObject({ status: 503 });
    await drained;
    expect((await first).y.data[0]).toBe(2);
    expect((await third).y.data[0]).toBe(6);
    expect(log).toEqual([1, 1]);
  });

  it('reruns a failed batch request by request, so only the bad one fails', async () => {
    const log: number[] = [];
    const net = fakeNet(5, log);
    const run = net.run;
    net.run = async (feeds) => {
      if ((feeds.x.data as Float32Array).includes(-1)) throw new Error('bad value');
      return run(feeds);
    };
    const runner = new ModelRunner([net] as never, { maxBatch: 8, batchDelayMs: 30, maxQueue: 10 });
    const [a, b, c] = await Promise.allSettled([runner.submit(rows(1, 1), ['y']), runner.submit(rows(1, -1), ['y']), runner.submit(rows(1, 3), ['y'])]);
    expect(a.status).toBe('fulfilled');
    expect(b).toMatchObject({ status: 'rejected', reason: { message: 'bad value' } });
    expect(c.status).toBe('fulfilled');
  });
});
