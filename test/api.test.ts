// The public API: load, metadata, run/runSync, options, errors, disposal, concurrency, the
// event loop, worker_threads and both module systems.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';

import { LiteinferError, Network, summarizeProfile, Tensor } from '../dist/index.js';
import { attr, GraphBuilder } from './onnx/builder';

const ROOT = path.join(__dirname, '..');

/** y = relu(x + b), z = y * 2: two outputs, a symbolic batch dim. */
function smallModel(): Uint8Array {
  const g = new GraphBuilder('small');
  const x = g.input('x', 'float32', ['batch', 4]);
  const b = g.initializer('b', 'float32', [4], new Float32Array([1, -1, 2, -2]));
  const two = g.initializer('two', 'float32', [], new Float32Array([2]));
  const s = g.node('Add', [x, b]);
  const y = g.node('Relu', [s], {}, { outputs: ['y'] });
  const z = g.node('Mul', [y, two], {}, { outputs: ['z'] });
  g.output(y, 'float32', ['batch', 4]);
  g.output(z, 'float32', ['batch', 4]);
  return g.toModel({ opset: 17 });
}

/** A chain of big MatMuls: long enough to watch the event loop during a run. */
function heavyModel(n = 512, layers = 24): Uint8Array {
  const g = new GraphBuilder('heavy');
  let h = g.input('x', 'float32', [n, n]);
  for (let i = 0; i < layers; i++) {
    const w = g.initializer(`w${i}`, 'float32', [n, n], undefined, { scale: 1 / Math.sqrt(n) });
    h = g.node('MatMul', [h, w]);
  }
  g.output(h, 'float32', [n, n]);
  return g.toModel({ opset: 17 });
}

async function expectCode(p: Promise<unknown> | (() => unknown), code: string, fragment?: string | RegExp) {
  let err: unknown;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    err = e;
  }
  expect(err, `expected an error with code ${code}`).toBeInstanceOf(LiteinferError);
  expect((err as LiteinferError).code).toBe(code);
  if (fragment) expect((err as Error).message).toMatch(fragment);
}

describe('Network', () => {
  it('loads from bytes and from a path, and describes inputs and outputs', async () => {
    const bytes = smallModel();
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'liteinfer-')), 'small.onnx');
    fs.writeFileSync(file, bytes);
    for (const src of [bytes, file]) {
      const net = await Network.load(src, { threads: 2 });
      expect(net.inputs).toEqual([{ name: 'x', dtype: 'float32', shape: ['batch', 4] }]);
      expect(net.outputs.map((o) => o.name)).toEqual(['y', 'z']);
      expect(net.outputs[1]).toEqual({ name: 'z', dtype: 'float32', shape: ['batch', 4] });
      net.dispose();
    }
  });

  it('runs async and sync with the same results, for any batch size', async () => {
    const net = await Network.load(smallModel());
    for (const batch of [1, 3, 1, 7]) {
      const data = Float32Array.from({ length: batch * 4 }, (_, i) => i - 5);
      const out = await net.run({ x: new Tensor('float32', data, [batch, 4]) });
      const expected = Float32Array.from(data, (v, i) => Math.max(0, v + [1, -1, 2, -2][i % 4]));
      expect(out.y.dtype).toBe('float32');
      expect(out.y.shape).toEqual([batch, 4]);
      expect(Array.from(out.y.data as Float32Array)).toEqual(Array.from(expected));
      expect(Array.from(out.z.data as Float32Array)).toEqual(Array.from(expected, (v) => v * 2));
      const sync = net.runSync({ x: new Tensor('float32', data, [batch, 4]) });
      expect(sync.z.data).toEqual(out.z.data);
    }
    net.dispose();
  });

  it('computes only the outputs asked for', async () => {
    const net = await Network.load(smallModel());
    const out = await net.run({ x: new Tensor('float32', new Float32Array(4), [1, 4]) }, { outputs: ['z'] });
    expect(Object.keys(out)).toEqual(['z']);
    await expectCode(net.run({ x: new Tensor('float32', new Float32Array(4), [1, 4]) }, { outputs: ['nope'] }),
      'INVALID_ARGUMENT', /unknown output 'nope'.*'y', 'z'/);
    net.dispose();
  });

  it('names the problem in bad feeds', async () => {
    const net = await Network.load(smallModel());
    const good = new Tensor('float32', new Float32Array(4), [1, 4]);
    await expectCode(net.run({}), 'INVALID_INPUT', "missing input 'x'");
    await expectCode(net.run({ x: good, extra: good }), 'INVALID_INPUT', /unknown input 'extra'.*'x'/);
    await expectCode(net.run({ x: new Tensor('int32', new Int32Array(4), [1, 4]) }), 'INVALID_INPUT',
      "input 'x': expected dtype float32, got int32");
    await expectCode(net.run({ x: new Tensor('float32', new Float32Array(5), [1, 5]) }), 'INVALID_INPUT',
      "input 'x': expected shape [batch,4], got [1,5]");
    await expectCode(net.run({ x: new Float32Array(4) as unknown as Tensor }), 'INVALID_INPUT',
      "input 'x': expected a Tensor");
    await expectCode(() => net.runSync({ x: new Tensor('float32', new Float32Array(4), [4]) }), 'INVALID_INPUT', 'expected shape');
    await expectCode(net.run(null as unknown as Record<string, Tensor>), 'INVALID_ARGUMENT', 'feeds');
    net.dispose();
  });

  it('validates Tensor construction', () => {
    expect(() => new Tensor('float32', new Float32Array(6), [2, 2])).toThrow(/needs 4 elements.*has 6/);
    expect(() => new Tensor('float32', new Int32Array(4), [4])).toThrow(/Float32Array/);
    expect(() => new Tensor('nope' as 'float32', new Float32Array(1))).toThrow(/dtype/);
    expect(() => new Tensor('float32', new Float32Array(4), [2, -2])).toThrow(/shape\[1\]/);
    expect(new Tensor('int64', [1, 2n, 3], [3]).data).toEqual(new BigInt64Array([1n, 2n, 3n]));
    expect(new Tensor('bool', [true, false]).data).toEqual(new Uint8Array([1, 0]));
    expect(new Tensor('string', ['a', 'b'], [2, 1]).shape).toEqual([2, 1]);
    expect(new Tensor('float32', [1, 2, 3]).shape).toEqual([3]);
  });

  it('fails at load with clear errors for bad models and unsupported ops', async () => {
    await expectCode(Network.load(new Uint8Array([0x0a, 0xff, 0xff, 0x01])), 'INVALID_MODEL');
    await expectCode(Network.load('/nonexistent/model.onnx'), 'INVALID_ARGUMENT', 'not found');
    await expectCode(Network.load(42 as unknown as string), 'INVALID_ARGUMENT', 'model');
    await expectCode(Network.load(smallModel(), { threads: 0 }), 'INVALID_ARGUMENT', 'options.threads');
    const g = new GraphBuilder('bad');
    const x = g.input('x', 'float32', [2]);
    g.output(g.node('FancyOp', [x], {}, { name: 'fancy1', domain: 'com.example' }), 'float32', [2]);
    await expectCode(Network.load(g.toModel({ opset: 17, extraOpsets: { 'com.example': 3 } })), 'UNSUPPORTED_OP',
      /FancyOp.*'fancy1'.*opset 3/);
  });

  it('throws DISPOSED after dispose, and dispose is idempotent (also via Symbol.dispose)', async () => {
    const net = await Network.load(smallModel());
    net[Symbol.dispose]();
    net.dispose();
    expect(net.disposed).toBe(true);
    await expectCode(net.run({ x: new Tensor('float32', new Float32Array(4), [1, 4]) }), 'DISPOSED');
    await expectCode(() => net.memoryInfo(), 'DISPOSED');
  });

  it('lets the event loop tick during a long run', async () => {
    const net = await Network.load(heavyModel(), { threads: 1 });
    const x = new Tensor('float32', new Float32Array(512 * 512).fill(0.01), [512, 512]);
    await net.run({ x }); // warm up: plan and arena
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const t0 = performance.now();
    await net.run({ x });
    const elapsed = performance.now() - t0;
    clearInterval(timer);
    expect(elapsed).toBeGreaterThan(20);
    expect(ticks).toBeGreaterThan(elapsed / 10);
    net.dispose();
  });

  it('runs a quick run() inline when nothing is pending, and other shapes and queued runs off the thread', async () => {
    const net = await Network.load(smallModel(), { threads: 1 });
    // A run handed to the run thread settles only from a macrotask (the thread's callback); an
    // inline one has settled after a few microtasks.
    const settlesInline = async (p: Promise<unknown>) => {
      let settled = false;
      void p.then(() => { settled = true; });
      for (let i = 0; i < 4; i++) await Promise.resolve();
      const early = settled;
      await p;
      return early;
    };
    const small = { x: new Tensor('float32', new Float32Array([1, -2, 3, -4]), [1, 4]) };
    let inline = false;
    for (let i = 0; i < 500 && !inline; i++) inline = await settlesInline(net.run(small));  // a busy machine may need several
    expect(inline).toBe(true);
    expect(Array.from((await net.run(small)).z.data as Float32Array)).toEqual([4, 0, 10, 0]);
    const big = { x: new Tensor('float32', new Float32Array(4 << 20).fill(1), [1 << 20, 4]) };
    expect(await settlesInline(net.run(big))).toBe(false);  // a shape of its own: timed on the thread
    // With a run pending, a quick one queues behind it and both settle in call order.
    const order: string[] = [];
    const first = net.run(big).then(() => order.push('big'));
    const second = net.run(small).then((o) => { order.push('small'); return o; });
    expect(await settlesInline(second)).toBe(false);
    await first;
    expect(order).toEqual(['big', 'small']);
    expect(Array.from((await second).z.data as Float32Array)).toEqual([4, 0, 10, 0]);
    // Errors from an inline run reject the promise like any other.
    await expectCode(net.run({ x: new Tensor('float32', new Float32Array(3), [1, 3]) }), 'INVALID_INPUT', /'x'/);
    net.dispose();
  });

  it('gives correct results for many concurrent runs, and an AbortSignal cancels a queued one', async () => {
    const net = await Network.load(smallModel(), { threads: 2 });
    const runs = Array.from({ length: 32 }, (_, k) => {
      const data = Float32Array.from({ length: 8 }, (_, i) => k - i);
      return net.run({ x: new Tensor('float32', data, [2, 4]) }).then((out) => ({ k, data, out }));
    });
    for (const { data, out } of await Promise.all(runs)) {
      const expected = Array.from(data, (v, i) => 2 * Math.max(0, v + [1, -1, 2, -2][i % 4]));
      expect(Array.from(out.z.data as Float32Array)).toEqual(expected);
    }
    const heavy = await Network.load(heavyModel(256, 8), { threads: 1 });
    const x = new Tensor('float32', new Float32Array(256 * 256), [256, 256]);
    const first = heavy.run({ x });
    const ac = new AbortController();
    const second = expectCode(heavy.run({ x }, { signal: ac.signal }), 'ABORTED');
    ac.abort();
    await second;
    await first;
    // Disposing with runs queued: the one in flight finishes, the queued one rejects.
    const inflight = heavy.run({ x });
    const queued = expectCode(heavy.run({ x }), 'DISPOSED');
    heavy.dispose();
    await inflight;
    await queued;
    net.dispose();
  });

  it('burns no CPU while idle between runs (the pool sleeps)', async () => {
    const net = await Network.load(heavyModel(128, 4), { threads: 2 });
    await net.run({ x: new Tensor('float32', new Float32Array(128 * 128), [128, 128]) });
    const before = process.cpuUsage();
    await new Promise((r) => setTimeout(r, 500));
    const used = process.cpuUsage(before);
    expect((used.user + used.system) / 1000).toBeLessThan(100); // ms of CPU over 500 ms idle
    net.dispose();
  });

  it('plans one arena well below the sum of intermediates', async () => {
    const net = await Network.load(heavyModel(128, 16));
    await net.run({ x: new Tensor('float32', new Float32Array(128 * 128), [128, 128]) });
    const m = net.memoryInfo();
    expect(m.arenaBytes).toBeGreaterThan(0);
    expect(m.arenaBytes).toBeLessThanOrEqual(m.intermediateBytes / 4);
    net.dispose();
  });

  it('runs elementwise ops in place when their input is read by no later step', async () => {
    // a = Relu(x); b = Sigmoid(a) (a is read later: not in place); c = Add(a, b) over a;
    // d = Tanh(c) over a as well; out = Neg(d) (a graph output: owns its memory).
    const g = new GraphBuilder('inplace');
    const x = g.input('x', 'float32', [1, 64, 32, 32]);
    const a = g.node('Relu', [x]);
    const b = g.node('Sigmoid', [a]);
    const c = g.node('Add', [a, b]);
    const d = g.node('Tanh', [c]);
    g.output(g.node('Neg', [d], {}, { outputs: ['out'] }));
    const bytes = g.toModel({ opset: 17 });
    const data = Float32Array.from({ length: 64 * 32 * 32 }, (_, i) => Math.sin(i));
    const net = await Network.load(bytes, { threads: 2 });
    const got = (await net.run({ x: new Tensor('float32', data, [1, 64, 32, 32]) })).out.data as Float32Array;
    const block = 64 * 32 * 32 * 4;
    expect(net.memoryInfo().arenaBytes).toBe(2 * block);  // a (with c, d) and b; 3 blocks without
    for (let i = 0; i < data.length; i += 97) {
      const av = Math.max(0, data[i]);
      expect(got[i]).toBeCloseTo(-Math.tanh(av + 1 / (1 + Math.exp(-av))), 5);
    }
    net.dispose();
  });

  it('clones share the weights, run concurrently with the same results, and outlive the original', async () => {
    const n = 1024;  // 4 MiB per weight, 24 MiB in all: a copy would show in RSS
    const g = new GraphBuilder('wide');
    let h = g.input('x', 'float32', [4, n]);
    for (let i = 0; i < 6; i++) h = g.node('MatMul', [h, g.initializer(`w${i}`, 'float32', [n, n], undefined, { scale: 1 / 32 })]);
    g.output(h, 'float32', [4, n]);
    const net = await Network.load(g.toModel({ opset: 17 }), { threads: 1 });
    const x = new Tensor('float32', Float32Array.from({ length: 4 * n }, (_, i) => Math.sin(i)), [4, n]);
    const want = (await net.run({ x }))[net.outputs[0].name].data as Float32Array;
    const rss0 = process.memoryUsage().rss;
    const clones = [net.clone(), net.clone({ threads: 2 }), net.clone({ threads: 1 })];
    const grown = process.memoryUsage().rss - rss0;
    expect(clones[1].threads).toBe(2);
    expect(clones[0].memoryInfo().weightsBytes).toBe(net.memoryInfo().weightsBytes);
    expect(grown).toBeLessThan(12 << 20);  // three copies of the weights would be 72 MiB
    const all = [net, ...clones];
    const results = await Promise.all(all.flatMap((m) => [m.run({ x }), m.run({ x })]));
    for (const r of results) expect(r[net.outputs[0].name].data).toEqual(want);
    net.dispose();
    expect(clones[0].runSync({ x })[net.outputs[0].name].data).toEqual(want);
    expect(() => net.clone()).toThrow(expect.objectContaining({ code: 'DISPOSED' }));
    expect(() => clones[0].clone({ threads: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    for (const c of clones) c.dispose();
  });

  it('clones of a model with an If subgraph run concurrently, each on its own pool', async () => {
    const g = new GraphBuilder('if_clone');
    const cond = g.input('cond', 'bool', []);
    const x = g.input('x', 'float32', [64, 64]);
    const w = g.initializer('w', 'float32', [64, 64], undefined, { scale: 0.1 });
    const then = new GraphBuilder('then');
    then.output(then.node('MatMul', [x, w], {}, { outputs: ['t'] }), 'float32');
    const els = new GraphBuilder('else');
    els.output(els.node('Neg', [x], {}, { outputs: ['e'] }), 'float32');
    const out = g.node('If', [cond], { then_branch: attr.g(then), else_branch: attr.g(els) }, { outputs: ['r'] });
    g.output(out, 'float32', [64, 64]);
    const net = await Network.load(g.toModel({ opset: 17 }), { threads: 2 });
    const clone = net.clone();
    const feeds = (c: boolean, k: number) => ({
      cond: new Tensor('bool', Uint8Array.from([c ? 1 : 0]), []),
      x: new Tensor('float32', Float32Array.from({ length: 64 * 64 }, (_, i) => Math.cos(i * k)), [64, 64]),
    });
    const want = [1, 2, 3, 4].map((k) => net.runSync(feeds(k % 2 === 0, k)).r.data);
    const got = await Promise.all([1, 2, 3, 4].flatMap((k) => [net, clone].map((m) => m.run(feeds(k % 2 === 0, k)))));
    got.forEach((r, i) => expect(r.r.data).toEqual(want[i >> 1]));
    net.dispose();
    clone.dispose();
  });

  it('profiles runs: one event per node and run, only while profiling', async () => {
    const net = await Network.load(smallModel(), { threads: 1 });
    const x = new Tensor('float32', new Float32Array(8), [2, 4]);
    net.runSync({ x });
    net.startProfiling();
    await net.run({ x });
    net.runSync({ x });
    const events = net.stopProfiling();
    net.runSync({ x });
    expect(net.stopProfiling()).toEqual([]);
    const perRun = events.filter((e) => e.run === 1);
    expect(events.filter((e) => e.run === 2)).toHaveLength(perRun.length);
    expect(perRun.length).toBeGreaterThan(0);
    for (const e of events) {
      expect(e.durationUs).toBeGreaterThanOrEqual(0);
      expect(e.inputShapes[0]).toEqual([2, 4]);
    }
    const summary = summarizeProfile(events);
    expect(summary.runs).toBe(2);
    expect(summary.byOp.reduce((s, r) => s + r.share, 0)).toBeCloseTo(1, 6);
    net.dispose();
  });

  it('runs in worker_threads, one Network per worker', async () => {
    const bytes = smallModel();
    const script = `
      const { parentPort, workerData } = require('node:worker_threads');
      const { Network, Tensor } = require(${JSON.stringify(path.join(ROOT, 'dist/index.js'))});
      (async () => {
        const net = await Network.load(workerData.bytes, { threads: 1 });
        const x = new Tensor('float32', Float32Array.from([workerData.k, 0, 0, 0]), [1, 4]);
        const out = await net.run({ x });
        parentPort.postMessage(Array.from(out.z.data));
        net.dispose();
      })();`;
    const results = await Promise.all([1, 2].map((k) => new Promise<number[]>((resolve, reject) => {
      const w = new Worker(script, { eval: true, workerData: { bytes, k } });
      w.once('message', resolve);
      w.once('error', reject);
    })));
    expect(results[0]).toEqual([4, 0, 4, 0]);
    expect(results[1]).toEqual([6, 0, 4, 0]);
  });

  it('survives workers terminated with runs in flight and queued, and frees their Networks', () => {
    // In a child process, so a crash fails this test instead of killing the runner. Each worker
    // queues several runs of a model that takes milliseconds, then is terminated mid-run.
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'liteinfer-')), 'heavy.onnx');
    fs.writeFileSync(file, heavyModel(256, 12));
    const script = `
      const { Worker } = require('node:worker_threads');
      const code = \`
        const { parentPort } = require('node:worker_threads');
        const { Network, Tensor } = require(${JSON.stringify(path.join(ROOT, 'dist/index.js'))});
        (async () => {
          const net = await Network.load(${JSON.stringify(file)}, { threads: 2 });
          const x = new Tensor('float32', new Float32Array(256 * 256).fill(0.01), [256, 256]);
          await net.run({ x });
          parentPort.postMessage('ready');
          for (let i = 0; i < 5; i++) net.run({ x }).catch(() => {});
          await net.run({ x });
        })();\`;
      (async () => {
        let rssAfterFirst = 0;
        for (let round = 0; round < 16; round++) {
          const w = new Worker(code, { eval: true });
          await new Promise((r) => w.once('message', r));
          await new Promise((r) => setTimeout(r, round % 4));
          await w.terminate();
          if (round === 3) rssAfterFirst = process.memoryUsage().rss;
        }
        console.log(JSON.stringify({ growth: process.memoryUsage().rss - rssAfterFirst }));
      })();`;
    const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 120_000 });
    const { growth } = JSON.parse(out.trim().split('\n').pop()!) as { growth: number };
    // Each worker's Network holds ~1 MiB of weights plus its arenas; 12 leaked would be > 40 MiB.
    expect(growth).toBeLessThan(40 * 2 ** 20);
  }, 180_000);

  it('is importable by package name from ESM and CommonJS (the exports map)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liteinfer-'));
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(ROOT, path.join(dir, 'node_modules', 'liteinfer'), 'dir');
    const file = path.join(dir, 'model.onnx');
    fs.writeFileSync(file, smallModel());
    const body = `Network.load(${JSON.stringify(file)}).then(async (net) => {
        const out = await net.run({ x: new Tensor('float32', [1, 1, 1, 1], [1, 4]) });
        console.log(Array.from(out.y.data).join(','));
      });`;
    fs.writeFileSync(path.join(dir, 'probe.mjs'), `import { Network, Tensor } from 'liteinfer';\n${body}`);
    fs.writeFileSync(path.join(dir, 'probe.cjs'), `const { Network, Tensor } = require('liteinfer');\n${body}`);
    expect(execFileSync('node', [path.join(dir, 'probe.mjs')]).toString().trim()).toBe('2,0,3,0');
    expect(execFileSync('node', [path.join(dir, 'probe.cjs')]).toString().trim()).toBe('2,0,3,0');
  });
});
