// liteinfer serve: the Open Inference Protocol v2 endpoints, JSON and binary bodies, every error
// case, batching correctness, backpressure, timeouts, metrics and the docs, on port 0.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Network, serve, Tensor, type Server } from '../dist/index.js';
import { binaryRequest, getJson, postJson, writeModels } from './serve_helpers';

const models = writeModels();
afterAll(() => fs.rmSync(models.dir, { recursive: true, force: true }));

describe('serve: protocol endpoints', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = await serve({ models: [models.mlp, models.fixed, models.types], port: 0, threads: 1 });
    base = server.url;
  });
  afterAll(() => server.close());

  it('binds port 0 on 127.0.0.1 and reports the models', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.port).toBeGreaterThan(0);
    expect(server.models.map((m) => [m.name, m.ready, m.batching])).toEqual([['mlp', true, true], ['fixed', true, false], ['types', true, true]]);
  });

  it('answers health, server metadata and model metadata (-1 for dynamic dims)', async () => {
    expect(await getJson(`${base}/v2/health/live`)).toMatchObject({ status: 200, body: { live: true } });
    expect(await getJson(`${base}/v2/health/ready`)).toMatchObject({ status: 200, body: { ready: true } });
    const meta = await getJson(`${base}/v2`);
    expect(meta.body).toMatchObject({ name: 'liteinfer', extensions: expect.arrayContaining(['binary_tensor_data']) });
    expect(typeof meta.body.version).toBe('string');
    const m = await getJson(`${base}/v2/models/mlp`);
    expect(m.status).toBe(200);
    expect(m.body).toMatchObject({
      name: 'mlp', versions: ['1'], platform: 'onnx',
      inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 4] }],
      outputs: [{ name: 'y', datatype: 'FP32', shape: [-1, 3] }, { name: 'sum', datatype: 'FP32', shape: [-1, 1] }],
    });
    expect((await getJson(`${base}/v2/models/fixed/versions/1`)).body.inputs).toEqual([{ name: 'x', datatype: 'FP32', shape: [1, 4] }]);
    expect((await getJson(`${base}/v2/models/types`)).body.inputs.map((i: { datatype: string }) => i.datatype)).toEqual(['INT64', 'BOOL', 'FP16', 'BYTES', 'UINT8']);
    expect(await getJson(`${base}/v2/models/mlp/ready`)).toMatchObject({ status: 200, body: { name: 'mlp', ready: true } });
    expect((await getJson(`${base}/v2/models/mlp/versions/1/ready`)).status).toBe(200);
  });

  it('infers with flat and nested JSON data, echoes the id, selects outputs', async () => {
    const flat = await postJson(`${base}/v2/models/mlp/infer`, {
      id: 'req-1', inputs: [{ name: 'x', shape: [2, 4], datatype: 'FP32', data: [1, 2, 3, 4, 0, 0, 0, 1] }],
    });
    expect(flat.status).toBe(200);
    expect(flat.body).toEqual({
      model_name: 'mlp', model_version: '1', id: 'req-1',
      outputs: [{ name: 'y', datatype: 'FP32', shape: [2, 3], data: [5, 10, 15, 1, 2, 3] }, { name: 'sum', datatype: 'FP32', shape: [2, 1], data: [10, 1] }],
    });
    const nested = await postJson(`${base}/v2/models/mlp/versions/1/infer`, {
      inputs: [{ name: 'x', shape: [2, 4], datatype: 'FP32', data: [[1, 2, 3, 4], [0, 0, 0, 1]] }], outputs: [{ name: 'sum' }],
    });
    expect(nested.status).toBe(200);
    expect(nested.body.outputs).toEqual([{ name: 'sum', datatype: 'FP32', shape: [2, 1], data: [10, 1] }]);
    expect(nested.body.id).toBeUndefined();
    const fixed = await postJson(`${base}/v2/models/fixed/infer`, { inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: [-1, 2, -3, 4] }] });
    expect(fixed.body.outputs[0].data).toEqual([0, 2, 0, 4]);
  });

  it('carries every datatype family through JSON', async () => {
    const r = await postJson(`${base}/v2/models/types/infer`, {
      inputs: [
        { name: 'a', shape: [3], datatype: 'INT64', data: [1, -2, 2 ** 40] },
        { name: 'b', shape: [2], datatype: 'BOOL', data: [true, false] },
        { name: 'h', shape: [2], datatype: 'FP16', data: [1.5, -0.25] },
        { name: 's', shape: [2], datatype: 'BYTES', data: ['héllo', ''] },
        { name: 'u', shape: [2], datatype: 'UINT8', data: [0, 255] },
      ],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const out = Object.fromEntries(r.body.outputs.map((o: { name: string; data: unknown[] }) => [o.name, o]));
    expect(out.a2).toEqual({ name: 'a2', datatype: 'INT64', shape: [3], data: [2, -4, 2 ** 41] });
    expect(out.nb.data).toEqual([false, true]);
    expect(out.h_out).toMatchObject({ datatype: 'FP16', data: [1.5, -0.25] });
    expect(out.s_out).toMatchObject({ datatype: 'BYTES', data: ['héllo', ''] });
    expect(out.u_out.data).toEqual([0, 255]);
  });

  it('takes and returns binary tensors (Inference-Header-Content-Length)', async () => {
    const x = new Float32Array([1, 2, 3, 4, 0, 0, 0, 1, 1, 1, 1, 1]);
    const { body, headerLength } = binaryRequest({
      inputs: [{ name: 'x', shape: [3, 4], datatype: 'FP32', parameters: { binary_data_size: x.byteLength } }],
      outputs: [{ name: 'y', parameters: { binary_data: true } }, { name: 'sum' }],
    }, [x]);
    const res = await fetch(`${base}/v2/models/mlp/infer`, {
      method: 'POST', body, headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(headerLength) },
    });
    expect(res.status, res.status === 200 ? '' : await res.text()).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    const n = Number(res.headers.get('inference-header-content-length'));
    const buf = Buffer.from(await res.arrayBuffer());
    const header = JSON.parse(buf.subarray(0, n).toString());
    expect(header.outputs).toEqual([
      { name: 'y', datatype: 'FP32', shape: [3, 3], parameters: { binary_data_size: 36 } },
      { name: 'sum', datatype: 'FP32', shape: [3, 1], data: [10, 1, 4] },
    ]);
    const y = new Float32Array(buf.buffer.slice(buf.byteOffset + n, buf.byteOffset + n + 36));
    expect(Array.from(y)).toEqual([5, 10, 15, 1, 2, 3, 2, 3, 4]);

    // binary_data_output for every output; BYTES and BOOL in binary form.
    const strings = Buffer.concat([Buffer.from([2, 0, 0, 0]), Buffer.from('ab'), Buffer.from([0, 0, 0, 0])]);
    const req = binaryRequest({
      parameters: { binary_data_output: true },
      inputs: [
        { name: 'a', shape: [1], datatype: 'INT64', parameters: { binary_data_size: 8 } },
        { name: 'b', shape: [2], datatype: 'BOOL', parameters: { binary_data_size: 2 } },
        { name: 'h', shape: [1], datatype: 'FP16', data: [2] },
        { name: 's', shape: [2], datatype: 'BYTES', parameters: { binary_data_size: strings.length } },
        { name: 'u', shape: [1], datatype: 'UINT8', data: [7] },
      ],
    }, [new BigInt64Array([21n]), new Uint8Array([1, 0]), strings]);
    const r2 = await fetch(`${base}/v2/models/types/infer`, { method: 'POST', body: req.body, headers: { 'inference-header-content-length': String(req.headerLength) } });
    expect(r2.status).toBe(200);
    const b2 = Buffer.from(await r2.arrayBuffer());
    const n2 = Number(r2.headers.get('inference-header-content-length'));
    const h2 = JSON.parse(b2.subarray(0, n2).toString());
    expect(h2.outputs.map((o: { parameters: { binary_data_size: number } }) => o.parameters.binary_data_size)).toEqual([8, 2, 2, 10, 1]);
    expect(b2.readBigInt64LE(n2)).toBe(42n);
    expect([...b2.subarray(n2 + 8, n2 + 10)]).toEqual([0, 1]);
    expect(b2.subarray(n2 + 12, n2 + 22)).toEqual(strings);
  });

  const infer = (model: string, body: unknown) => postJson(`${base}/v2/models/${model}/infer`, body);
  const x24 = { name: 'x', shape: [2, 4], datatype: 'FP32', data: [1, 2, 3, 4, 5, 6, 7, 8] };

  it.each([
    ['malformed JSON', '{"inputs": [', /malformed JSON/],
    ['no inputs', {}, /inputs/],
    ['an input without a shape', { inputs: [{ name: 'x', datatype: 'FP32', data: [1] }] }, /shape/],
    ['an unknown datatype', { inputs: [{ ...x24, datatype: 'FP99' }] }, /datatype/],
    ['an unknown input', { inputs: [x24, { ...x24, name: 'z' }] }, /unknown input 'z' \(the model's inputs: 'x'\)/],
    ['a missing input', { inputs: [] }, /missing input 'x'/],
    ['a duplicate input', { inputs: [x24, x24] }, /input 'x' is given twice/],
    ['a wrong datatype', { inputs: [{ ...x24, datatype: 'FP64' }] }, /input 'x': datatype FP64 does not match the model's FP32/],
    ['a shape not matching the model', { inputs: [{ ...x24, shape: [4, 2] }] }, /input 'x': shape \[4, 2\] does not match the model's \[-1, 4\]/],
    ['a rank not matching the model', { inputs: [{ ...x24, shape: [8] }] }, /shape \[8\] does not match/],
    ['data length not matching the shape', { inputs: [{ ...x24, data: [1, 2, 3] }] }, /data has 3 elements but shape \[2, 4\] needs 8/],
    ['nested data not matching the shape', { inputs: [{ ...x24, data: [[1, 2, 3], [4, 5, 6, 7, 8]] }] }, /nested data has 3 entries at depth 1/],
    ['non-numeric data', { inputs: [{ ...x24, data: [1, 2, 'three', 4, 5, 6, 7, 8] }] }, /input 'x': data\[2\] is the string "three", expected a number/],
    ['null data', { inputs: [{ ...x24, data: [1, 2, null, 4, 5, 6, 7, 8] }] }, /data\[2\] is null/],
    ['an unknown output', { inputs: [x24], outputs: [{ name: 'nope' }] }, /unknown output 'nope' \(the model's outputs: 'y', 'sum'\)/],
    ['binary_data_size without a binary part', { inputs: [{ ...x24, data: undefined, parameters: { binary_data_size: 32 } }] }, /no binary part/],
  ])('answers 400 with {"error"} for %s', async (_what, body, message) => {
    const r = await infer('mlp', body);
    expect(r.status).toBe(400);
    expect(Object.keys(r.body)).toEqual(['error']);
    expect(r.body.error).toMatch(message);
  });

  it('answers 400 for out-of-range integers, and for binary sizes that do not add up', async () => {
    const r = await infer('types', { inputs: [{ name: 'u', shape: [1], datatype: 'UINT8', data: [256] }] });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatch(/input 'u': data\[0\] is number 256, expected an integer in \[0, 255\]/);
    const x = new Float32Array(8);
    const short = binaryRequest({ inputs: [{ name: 'x', shape: [2, 4], datatype: 'FP32', parameters: { binary_data_size: 16 } }] }, [x]);
    const s = await fetch(`${base}/v2/models/mlp/infer`, { method: 'POST', body: short.body, headers: { 'inference-header-content-length': String(short.headerLength) } });
    expect(s.status).toBe(400);
    expect((await s.json()).error).toMatch(/binary_data_size is 16 bytes but shape and datatype need 8 x 4 = 32/);
    const long = await fetch(`${base}/v2/models/mlp/infer`, { method: 'POST', body: short.body, headers: { 'inference-header-content-length': '99999' } });
    expect(long.status).toBe(400);
    expect((await long.json()).error).toMatch(/Inference-Header-Content-Length is "99999"/);
  });

  it('survives a burst of bad requests mixed with good ones (nothing left queued or running)', async () => {
    const bodies: unknown[] = ['{', '[]', 'null', '{"inputs": 5}', { inputs: [{ name: 'x', shape: [-1], datatype: 'FP32', data: [] }] },
      { inputs: [{ name: 'x', shape: [1e9, 4], datatype: 'FP32', data: [1] }] }, { inputs: [{ ...x24, data: [[[[1]]]] }] },
      { inputs: [{ ...x24, data: { length: 8 } }] }, { inputs: [x24], outputs: 'y' }, { inputs: [x24], id: 7 }];
    const rs = await Promise.all(Array.from({ length: 120 }, (_, k) => k % 11 === 10 ? infer('mlp', { inputs: [x24] }) : infer('mlp', bodies[k % 11])));
    rs.forEach((r, k) => expect(r.status, JSON.stringify(r.body)).toBe(k % 11 === 10 ? 200 : 400));
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(/liteinfer_queue_depth\{model="mlp"\} 0/);
    expect(server.models[0].ready).toBe(true);
  });

  it('answers 404 for an unknown model, version or route', async () => {
    const r = await infer('nope', { inputs: [x24] });
    expect(r).toMatchObject({ status: 404, body: { error: "unknown model 'nope' (served: 'mlp', 'fixed', 'types')" } });
    expect((await getJson(`${base}/v2/models/nope`)).status).toBe(404);
    expect((await getJson(`${base}/v2/models/nope/ready`)).status).toBe(404);
    const v = await getJson(`${base}/v2/models/mlp/versions/7`);
    expect(v).toMatchObject({ status: 404, body: { error: "model 'mlp' has no version '7' (versions: 1)" } });
    expect(await getJson(`${base}/v3/what`)).toMatchObject({ status: 404, body: { error: 'no route GET /v3/what (see /docs)' } });
  });

  it('serves Prometheus metrics: requests, failures, queue depth, batch sizes, latency', async () => {
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/liteinfer_inference_requests_total\{model="mlp"\} [1-9]\d*/);
    expect(text).toMatch(/liteinfer_inference_failures_total\{model="mlp",status="400"\} [1-9]\d*/);
    expect(text).toMatch(/liteinfer_inference_failures_total\{model="nope"|liteinfer_http_requests_total\{route="\/v2\/models\/:name\/infer",method="POST",status="404"\}/);
    expect(text).toMatch(/liteinfer_queue_depth\{model="fixed"\} 0/);
    expect(text).toMatch(/liteinfer_batch_size_bucket\{le="2",model="mlp"\} [1-9]/);
    expect(text).toMatch(/liteinfer_inference_duration_seconds_count\{model="mlp"\} [1-9]/);
    expect(text).toMatch(/liteinfer_request_duration_seconds_bucket\{le="\+Inf",model="types"\} [1-9]/);
    expect(text).toMatch(/liteinfer_process_resident_memory_bytes/);
  });

  it('serves OpenAPI docs at /docs', async () => {
    const ui = await fetch(`${base}/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toMatch(/swagger/i);
    const spec = await getJson(`${base}/docs/json`);
    expect(spec.status).toBe(200);
    expect(Object.keys(spec.body.paths)).toEqual(expect.arrayContaining(['/v2/models/{name}/infer', '/v2/models/{name}/classify', '/v2/health/ready', '/metrics']));
    expect(Object.keys(spec.body.paths['/v2/models/{name}/classify'].post.requestBody.content)).toContain('multipart/form-data');
  });
});

describe('serve: dynamic batching', () => {
  let server: Server;
  let net: Network;
  beforeAll(async () => {
    // A long delay so that the concurrent requests below meet in one batch even on a busy machine.
    server = await serve({ models: [models.cnn], port: 0, threads: 1, maxBatch: 8, batchDelayMs: 300 });
    net = await Network.load(models.cnn, { threads: 1 });
  });
  afterAll(async () => {
    await server.close();
    net.dispose();
  });

  it('gives each request exactly the result of its own unbatched run', async () => {
    const rows = [1, 2, 1, 3, 1];   // 8 rows in all
    const inputs = rows.map((n, k) => Float32Array.from({ length: n * 3 * 32 * 32 }, (_, i) => Math.sin(i * 0.37 + k * 11)));
    const results = await Promise.all(inputs.map((data, k) => postJson(`${server.url}/v2/models/cnn/infer`, {
      id: String(k), inputs: [{ name: 'input', shape: [rows[k], 3, 32, 32], datatype: 'FP32', data: Array.from(data) }],
    })));
    for (const [k, r] of results.entries()) {
      expect(r.status).toBe(200);
      expect(r.body.id).toBe(String(k));
      const alone = await net.run({ input: new Tensor('float32', inputs[k], [rows[k], 3, 32, 32]) });
      expect(r.body.outputs[0].shape).toEqual([rows[k], 10]);
      // JSON carries float32 values exactly (shortest round-trip of the double).
      expect(r.body.outputs[0].data).toEqual(Array.from(alone.logits.data as Float32Array));
    }
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const count = Number(/liteinfer_batch_size_count\{model="cnn"\} (\d+)/.exec(text)![1]);
    const sum = Number(/liteinfer_batch_size_sum\{model="cnn"\} (\d+)/.exec(text)![1]);
    expect(sum).toBe(8);
    expect(count).toBeLessThan(5);   // at least two requests shared a run
  });

  it('fails only the bad request of those arriving together', async () => {
    const good = { name: 'input', shape: [1, 3, 32, 32], datatype: 'FP32', data: new Array(3 * 32 * 32).fill(0.5) };
    const other = { ...good, shape: [1, 3, 16, 16], data: new Array(3 * 16 * 16).fill(0.5) };
    const [a, b] = await Promise.all([postJson(`${server.url}/v2/models/cnn/infer`, { inputs: [good] }), postJson(`${server.url}/v2/models/cnn/infer`, { inputs: [other] })]);
    expect(a.status).toBe(200);
    expect(a.body.outputs[0].shape).toEqual([1, 10]);
    expect(b.status).toBe(400);   // the declared shape is [N, 3, 32, 32]
    expect(b.body.error).toMatch(/shape \[1, 3, 16, 16\] does not match the model's \[-1, 3, 32, 32\]/);
  });
});

describe('serve: instances, backpressure, limits and timeouts', () => {
  it('runs a model without a batch dim on --instances clones', async () => {
    const server = await serve({ models: [models.fixed], port: 0, threads: 1, instances: 3 });
    try {
      expect(server.models[0]).toMatchObject({ batching: false, instances: 3 });
      expect((await getJson(`${server.url}/v2/models/fixed`)).body.parameters).toMatchObject({ batching: false, instances: 3 });
      const rs = await Promise.all(Array.from({ length: 12 }, (_, k) => postJson(`${server.url}/v2/models/fixed/infer`, {
        inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: [k, -k, k + 1, -1] }],
      })));
      rs.forEach((r, k) => expect(r.body.outputs[0].data).toEqual([k, 0, k + 1, 0]));
    } finally {
      await server.close();
    }
  });

  it('answers 503 with Retry-After when the queue is full', async () => {
    const server = await serve({ models: [models.slow], port: 0, threads: 1, maxQueue: 1 });
    try {
      const req = { inputs: [{ name: 'x', shape: [1, 256], datatype: 'FP32', data: new Array(256).fill(0.1) }] };
      const rs = await Promise.all(Array.from({ length: 6 }, () => postJson(`${server.url}/v2/models/slow/infer`, req)));
      const statuses = rs.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(2);   // one running, one queued
      const refused = rs.filter((r) => r.status === 503);
      expect(refused.length).toBeGreaterThanOrEqual(1);
      expect(refused[0].headers.get('retry-after')).toBe('1');
      expect(refused[0].body.error).toMatch(/queue of this model is full \(1 requests waiting\)/);
      // The server is fine afterwards.
      expect((await postJson(`${server.url}/v2/models/slow/infer`, req)).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('answers 413 beyond the body limit and 504 past the request timeout', async () => {
    const server = await serve({ models: [models.mlp, models.slow], port: 0, threads: 1, maxBodyBytes: 1024, timeoutMs: 30 });
    try {
      const big = await postJson(`${server.url}/v2/models/mlp/infer`, { inputs: [{ name: 'x', shape: [100, 4], datatype: 'FP32', data: new Array(400).fill(1.25) }] });
      expect(big.status).toBe(413);
      expect(big.body.error).toMatch(/larger than the limit/);
      const slow = await postJson(`${server.url}/v2/models/slow/infer`, { inputs: [{ name: 'x', shape: [1, 256], datatype: 'FP32', data: new Array(256).fill(0) }] });
      expect(slow.status).toBe(504);
      expect(slow.body.error).toMatch(/longer than the 30 ms limit/);
      // (Another inference could also exceed 30 ms on a busy machine, so the check after is health.)
      expect((await getJson(`${server.url}/v2/health/live`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe('serve: model loading', () => {
  it('reports a model that fails to load and serves the others; --strict fails the start', async () => {
    const dir = fs.mkdtempSync(path.join(models.dir, 'repo-'));
    fs.copyFileSync(models.mlp, path.join(dir, 'good.onnx'));
    fs.writeFileSync(path.join(dir, 'broken.onnx'), 'this is not a model');
    const server = await serve({ models: [dir], port: 0, threads: 1 });
    try {
      expect(server.models.map((m) => [m.name, m.ready])).toEqual([['broken', false], ['good', true]]);
      expect(server.models[0].error).toMatch(/./);
      const r = await getJson(`${server.url}/v2/models/broken/ready`);
      expect(r.status).toBe(503);
      expect(r.body.error).toMatch(/model 'broken' failed to load: /);
      expect((await getJson(`${server.url}/v2/models/good/ready`)).status).toBe(200);
      expect((await getJson(`${server.url}/v2/health/ready`)).status).toBe(200);
    } finally {
      await server.close();
    }
    await expect(serve({ models: [dir], port: 0, threads: 1, strict: true })).rejects.toThrow(/1 model\(s\) failed to load: broken \(.*broken\.onnx\): /);
    await expect(serve({ models: [path.join(dir, 'missing.onnx')], port: 0 })).rejects.toThrow(/model path not found/);
    await expect(serve({ models: [], port: 0 })).rejects.toThrow(/at least one model/);
    await expect(serve({ models: [models.mlp], port: 0, maxBatch: 0 })).rejects.toThrow(/options.maxBatch/);
    await expect(serve({ models: [models.cnn], port: 0, labels: path.join(dir, 'none.txt') })).rejects.toThrow(/cannot read the labels file/);
    await expect(serve({ models: [models.cnn], port: 0, preprocess: 'bogus' })).rejects.toThrow(/preprocessing spec 'bogus' is neither a preset/);
    await expect(serve({ models: [models.cnn], port: 0, host: '' })).rejects.toThrow(/options.host/);
  });

  it('closes: ready turns 503 while draining, close() twice is fine', async () => {
    const server = await serve({ models: [models.mlp], port: 0, threads: 1 });
    await Promise.all([server.close(), server.close()]);
    await expect(fetch(`${server.url}/v2/health/live`)).rejects.toThrow();
  });
});
