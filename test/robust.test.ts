// Robustness and security through the public API (issue 7): corrupted models, absurd sizes,
// external data that tries to leave its folder, bad calls, concurrent runs and dispose(), and
// leaks over many cycles. Whatever can take a process down runs in a child process, so a crash
// fails a test instead of killing the runner.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

import { LiteinferError, Network, Tensor } from '../dist/index.js';
import { attr, GraphBuilder } from './onnx/builder';
import { resnetStyle, tinyMlp, transformerBlock } from './onnx/models';
import { ProtoWriter } from './onnx/proto';
import { Rng } from './onnx/rng';
import { fuzzSeeds } from './fuzz/seeds';

const ROOT = path.join(__dirname, '..');
const DIST = JSON.stringify(path.join(ROOT, 'dist', 'index.js'));
const CODES = ['INVALID_MODEL', 'UNSUPPORTED_OP', 'INVALID_ARGUMENT', 'INVALID_INPUT', 'OUT_OF_MEMORY', 'DISPOSED', 'ABORTED', 'INTERNAL'];

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'liteinfer-robust-'));

/** y = relu(x + b) * 2, a symbolic batch dim. */
function smallModel(): Uint8Array {
  const g = new GraphBuilder('small');
  const x = g.input('x', 'float32', ['batch', 4]);
  const b = g.initializer('b', 'float32', [4], new Float32Array([1, -1, 2, -2]));
  const y = g.node('Mul', [g.node('Relu', [g.node('Add', [x, b])]), g.initializer('two', 'float32', [], [2])], {}, { outputs: ['y'] });
  g.output(y, 'float32', ['batch', 4]);
  return g.toModel({ opset: 17 });
}

async function caught(fn: () => unknown): Promise<LiteinferError> {
  try {
    await fn();
  } catch (e) {
    expect(e, `expected a LiteinferError, got ${String(e)}`).toBeInstanceOf(LiteinferError);
    return e as LiteinferError;
  }
  throw new Error('expected a throw');
}

async function expectCode(fn: () => unknown, code: string, fragment?: string | RegExp): Promise<LiteinferError> {
  const e = await caught(fn);
  expect(e.code, e.message).toBe(code);
  if (fragment) expect(e.message).toMatch(fragment);
  return e;
}

/** Runs a script in a fresh node (with --expose-gc) and returns its last stdout line as JSON. */
function child<T>(script: string, timeout = 120_000): T {
  const r = spawnSync(process.execPath, ['--expose-gc', '-e', script], { encoding: 'utf8', timeout, maxBuffer: 64 << 20 });
  if (r.status !== 0) {
    throw new Error(`child exited with ${r.status ?? r.signal}\nstdout tail: ${r.stdout.slice(-2000)}\nstderr: ${r.stderr.slice(-4000)}`);
  }
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as T;
}

// ---- corrupted models ----------------------------------------------------------------------

describe('corrupted models', () => {
  it('a few hundred corrupted copies of real models each load and run or throw a LiteinferError; the process survives', () => {
    const seeds = fuzzSeeds().filter((s) => s.name !== 'loops');  // a flipped trip count may loop for hours: the fuzzer's job
    const models = [
      { name: 'small', bytes: smallModel() },
      { name: 'tiny_mlp', bytes: tinyMlp().bytes },
      { name: 'resnet', bytes: resnetStyle({ size: 16, widths: [4, 8], classes: 5 }).bytes },
      { name: 'transformer', bytes: transformerBlock({ seq: 4, dim: 16, heads: 2 }).bytes },
      ...seeds.filter((s) => ['control_flow', 'indexing', 'convs'].includes(s.name)),
    ];
    const rng = new Rng(77);
    const dir = tmp();
    const files: string[] = [];
    const kinds: string[] = [];
    const add = (kind: string, bytes: Uint8Array) => {
      const f = path.join(dir, `${files.length}_${kind}.onnx`);
      fs.writeFileSync(f, bytes);
      files.push(f);
      kinds.push(kind);
    };
    for (const m of models) {
      const b = m.bytes;
      for (let k = 0; k < 10; k++) add(`${m.name}_trunc`, b.slice(0, rng.int(0, b.length)));
      for (let k = 0; k < 12; k++) {  // the ModelProto header: ir_version, producer, graph key and length
        const c = b.slice();
        const pos = rng.int(0, Math.min(48, c.length));
        c[pos] = k % 3 === 0 ? 0xff : c[pos] ^ (1 << rng.int(0, 8));
        add(`${m.name}_header`, c);
      }
      for (let k = 0; k < 24; k++) {  // anywhere: 1-4 bytes, bit flips, random bytes, 0xff
        const c = b.slice();
        for (let f = rng.int(1, 5); f > 0; f--) {
          const pos = rng.int(0, c.length);
          const r = rng.int(0, 3);
          c[pos] = r === 0 ? c[pos] ^ (1 << rng.int(0, 8)) : r === 1 ? rng.int(0, 256) : 0xff;
        }
        add(`${m.name}_flip`, c);
      }
    }
    fs.writeFileSync(path.join(dir, 'list.json'), JSON.stringify(files));
    // The child prints one line per model before trying it, so a crash names the culprit.
    const script = `
      const fs = require('node:fs');
      const { Network, Tensor, LiteinferError } = require(${DIST});
      const files = JSON.parse(fs.readFileSync(${JSON.stringify(path.join(dir, 'list.json'))}, 'utf8'));
      const ARRAYS = { float32: Float32Array, float64: Float64Array, int32: Int32Array, int64: BigInt64Array,
        int8: Int8Array, uint8: Uint8Array, bool: Uint8Array, int16: Int16Array, uint16: Uint16Array,
        uint32: Uint32Array, uint64: BigUint64Array, float16: Uint16Array, bfloat16: Uint16Array };
      function feeds(net) {
        const out = {};
        for (const i of net.inputs) {
          if (i.kind || !ARRAYS[i.dtype]) return null;
          const shape = i.shape ? i.shape.map((d) => (typeof d === 'number' ? d : 1)) : [1];
          const n = shape.reduce((a, b) => a * b, 1);
          if (n > 1 << 16) return null;
          out[i.name] = new Tensor(i.dtype, new ARRAYS[i.dtype](n), shape);
        }
        return out;
      }
      (async () => {
        const counts = { loaded: 0, ran: 0, codes: {}, foreign: [] };
        for (let k = 0; k < files.length; k++) {
          console.log('trying ' + k);
          let net;
          try {
            net = await Network.load(files[k], { threads: 1, maxMemoryBytes: 256 << 20 });
            counts.loaded++;
            const f = feeds(net);
            if (f) { await net.run(f); counts.ran++; }
          } catch (e) {
            if (e instanceof LiteinferError) counts.codes[e.code] = (counts.codes[e.code] || 0) + 1;
            else counts.foreign.push(k + ': ' + String(e));
          } finally {
            net?.dispose();
          }
        }
        console.log(JSON.stringify(counts));
      })();`;
    const counts = child<{ loaded: number; ran: number; codes: Record<string, number>; foreign: string[] }>(script, 300_000);
    const errors = Object.values(counts.codes).reduce((a, b) => a + b, 0);
    expect(files.length).toBeGreaterThanOrEqual(300);
    expect(counts.foreign).toEqual([]);
    expect(Object.keys(counts.codes).every((c) => CODES.includes(c))).toBe(true);
    expect(counts.codes.INTERNAL ?? 0, 'an INTERNAL error is a bug').toBe(0);
    expect(counts.ran).toBeGreaterThan(20);         // flips in weights and names still load and run
    expect(errors).toBeGreaterThan(files.length / 4);  // and most truncations are rejected
  }, 320_000);
});

// ---- limits ----------------------------------------------------------------------------------

/** A ModelProto around a hand-written GraphProto (for what the builder refuses to write). */
function modelOf(graph: ProtoWriter, opset = 17): Uint8Array {
  return new ProtoWriter().int(1, 8).message(7, graph).message(8, new ProtoWriter().string(1, '').int(2, opset)).finish();
}

/** Relu over one initializer `w` given as a TensorProto; output y. */
function graphWithInit(init: ProtoWriter): ProtoWriter {
  const g = new GraphBuilder('g');
  g.output(g.node('Relu', ['w'], {}, { outputs: ['y'] }), 'float32');
  return g.graphProto(new Set(['w']), false).message(5, init);
}

/** TensorProto{dims=1, data_type=2, name=8, raw_data=9}. */
function tensorHead(name: string, dtype: number, dims: Array<number | bigint>): ProtoWriter {
  const t = new ProtoWriter();
  for (const d of dims) t.int(1, d);
  return t.int(2, dtype).string(8, name);
}

describe('limits', () => {
  it('a 1e12-element tensor, int64-overflowing dims and a huge external tensor fail at load, fast, without allocating', async () => {
    const t0 = performance.now();
    await expectCode(() => Network.load(modelOf(graphWithInit(tensorHead('w', 1, [1e6, 1e6]).bytes(9, new Uint8Array(4))))),
      'INVALID_MODEL', /TensorProto 'w'.*raw_data has 4 bytes, shape \[1000000,1000000\] of float32 needs 4000000000000/);
    await expectCode(() => Network.load(modelOf(graphWithInit(tensorHead('w', 1, [1n << 40n, 1n << 40n]).bytes(9, new Uint8Array(4))))),
      'INVALID_MODEL', /TensorProto 'w'.*too many elements|overflow/);
    await expectCode(() => Network.load(modelOf(graphWithInit(tensorHead('w', 1, [(1n << 62n), 4n]).bytes(9, new Uint8Array(4))))),
      'INVALID_MODEL', /TensorProto 'w'/);
    // Typed data declaring a trillion floats with one present.
    await expectCode(() => Network.load(modelOf(graphWithInit(tensorHead('w', 1, [1e6, 1e6]).packedFloats(4, [1])))),
      'INVALID_MODEL', /float_data has 1 values/);
    // A Constant node with such a tensor.
    const gp = new GraphBuilder('c2');
    const cnode = new ProtoWriter().string(2, 'kc').string(3, 'k').string(4, 'Constant')
      .message(5, new ProtoWriter().string(1, 'value').message(5, tensorHead('', 1, [1e6, 1e6]).bytes(9, new Uint8Array(8))).int(20, 4));
    gp.output(gp.node('Identity', ['kc'], {}, { outputs: ['y'] }), 'float32');
    await expectCode(() => Network.load(modelOf(gp.graphProto(new Set(['kc']), false).message(1, cnode))), 'INVALID_MODEL', /NodeProto 'k'/);
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('a declared input of 1e12 elements, and ops making huge tensors from tiny inputs, fail with OUT_OF_MEMORY under maxMemoryBytes', async () => {
    // Fixed declared shapes are planned at load: a plan past the ceiling fails the load.
    const g = new GraphBuilder('big_input');
    const x = g.input('x', 'float32', [1e6, 1e6]);
    g.output(g.node('Relu', [g.node('Neg', [x])], {}, { outputs: ['y'] }), 'float32');
    await expectCode(() => Network.load(g.toModel(), { maxMemoryBytes: 1 << 30 }), 'OUT_OF_MEMORY', /maxMemoryBytes/);
    // No input at all: ConstantOfShape of a constant 2 GB shape, planned at load.
    const c = new GraphBuilder('const_of_shape');
    const shape = c.initializer('shape', 'int64', [2], [1 << 16, 1 << 13]);
    c.output(c.node('ConstantOfShape', [shape], {}, { outputs: ['y'] }), 'float32');
    await expectCode(() => Network.load(c.toModel(), { maxMemoryBytes: 64 << 20 }), 'OUT_OF_MEMORY', /maxMemoryBytes/);
    // A shape known only at run time (fed): the graph output is counted against the ceiling too.
    const e = new GraphBuilder('expand');
    const s = e.input('s', 'int64', [2]);
    e.output(e.node('ConstantOfShape', [s], {}, { outputs: ['y'] }), 'float32');
    const net = await Network.load(e.toModel(), { maxMemoryBytes: 64 << 20 });
    expect((await net.run({ s: new Tensor('int64', [4n, 4n], [2]) })).y.shape).toEqual([4, 4]);
    await expectCode(() => net.run({ s: new Tensor('int64', [1n << 16n, 1n << 13n], [2]) }), 'OUT_OF_MEMORY', /maxMemoryBytes/);
    net.dispose();
  });

  it('more than a million nodes fail at load, naming the limit', async () => {
    // 1,000,001 copies of one Relu node, written directly (a builder would take far longer).
    const node = new ProtoWriter().string(1, 'x').string(2, 'y').string(4, 'Relu').finish();
    const one = new ProtoWriter().bytes(1, node).finish();
    const n = 1_000_001;
    const nodes = new Uint8Array(one.length * n);
    for (let i = 0; i < n; i++) nodes.set(one, i * one.length);
    const g = new GraphBuilder('many');
    g.input('x', 'float32', [1]);
    g.output('x', 'float32', [1]);
    const head = g.graphProto(new Set(), false).finish();
    const graph = new Uint8Array(head.length + nodes.length);
    graph.set(head);
    graph.set(nodes, head.length);
    const model = new ProtoWriter().int(1, 8).bytes(7, graph).message(8, new ProtoWriter().int(2, 17)).finish();
    const t0 = performance.now();
    await expectCode(() => Network.load(model), 'INVALID_MODEL', 'more than the limit of 1000000 nodes');
    expect(performance.now() - t0).toBeLessThan(20_000);
  }, 60_000);

  it('subgraphs nested deeper than 32 levels fail at load', async () => {
    const nest = (levels: number) => {
      // The then branch nests; the else branch is a leaf (nesting both would double the size per level).
      const leaf = (k: number) => {
        const l = new GraphBuilder(`leaf${k}`);
        l.output(l.node('Identity', ['x'], {}, { outputs: [`l${k}`] }), 'float32');
        return l;
      };
      let inner = new GraphBuilder('level0');
      inner.output(inner.node('Neg', ['x'], {}, { outputs: ['r0'] }), 'float32');
      for (let k = 1; k <= levels; k++) {
        const outer = new GraphBuilder(`level${k}`);
        outer.output(outer.node('If', ['c'], { then_branch: attr.g(inner), else_branch: attr.g(leaf(k)) }, { outputs: [`r${k}`] }), 'float32');
        inner = outer;
      }
      const top = new GraphBuilder('top');
      top.input('x', 'float32', [2]);
      top.input('c', 'bool', []);
      top.output(top.node('If', ['c'], { then_branch: attr.g(inner), else_branch: attr.g(leaf(0)) }, { outputs: ['y'] }), 'float32');
      return top.toModel({ opset: 17 });
    };
    const ok = await Network.load(nest(3));
    const out = await ok.run({ x: new Tensor('float32', [1, -2], [2]), c: new Tensor('bool', [true], []) });
    expect(Array.from(out.y.data as Float32Array)).toEqual([-1, 2]);
    ok.dispose();
    await expectCode(() => Network.load(nest(40)), 'INVALID_MODEL', 'nested deeper than the limit of 32 levels');
  });

  it('maxMemoryBytes is checked at plan time: a small ceiling fails the run, a larger one runs', async () => {
    const g = new GraphBuilder('arena');
    let h = g.input('x', 'float32', ['n', 256]);
    for (let i = 0; i < 4; i++) h = g.node('Relu', [g.node('Neg', [h])]);
    g.output(h, 'float32');
    const tight = await Network.load(g.toModel(), { maxMemoryBytes: 64 << 10 });
    await expectCode(() => tight.run({ x: new Tensor('float32', new Float32Array(256 * 256), [256, 256]) }), 'OUT_OF_MEMORY',
      /needs \d+ bytes \(an arena of \d+ bytes and \d+ bytes of outputs\), above maxMemoryBytes 65536/);
    expect((await tight.run({ x: new Tensor('float32', new Float32Array(256), [1, 256]) }))[h].shape).toEqual([1, 256]);
    tight.dispose();
  });
});

// ---- external data ---------------------------------------------------------------------------

/** TensorProto 'w' float32 [3] whose data lives in `location` (data_location=14 EXTERNAL). */
function externalInit(location: string, offset?: number | string, length?: number | string): ProtoWriter {
  const t = tensorHead('w', 1, [3]);
  const entry = (k: string, v: string) => t.message(13, new ProtoWriter().string(1, k).string(2, v));
  entry('location', location);
  if (offset !== undefined) entry('offset', String(offset));
  if (length !== undefined) entry('length', String(length));
  return t.int(14, 1);
}

describe('external data', () => {
  const weights = new Float32Array([1.5, -2, 3]);
  const payload = Buffer.concat([Buffer.from('12345678'), Buffer.from(weights.buffer), Buffer.from('tail')]);  // 24 bytes
  function folder(): string {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'weights.bin'), payload);
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.writeFileSync(path.join(dir, 'sub', 'w.bin'), Buffer.from(weights.buffer));
    return dir;
  }
  const model = (loc: string, off?: number | string, len?: number | string) => modelOf(graphWithInit(externalInit(loc, off, len)));
  async function relu(net: Network): Promise<number[]> {
    const out = await net.run({});
    net.dispose();
    return Array.from(out.y.data as Float32Array);
  }

  it('reads from the model folder (path) or from baseDir (bytes), and nowhere else', async () => {
    const dir = folder();
    const file = path.join(dir, 'model.onnx');
    fs.writeFileSync(file, model('weights.bin', 8, 12));
    expect(await relu(await Network.load(file))).toEqual([1.5, 0, 3]);
    expect(await relu(await Network.load(model('sub/w.bin'), { baseDir: dir }))).toEqual([1.5, 0, 3]);
    expect(await relu(Network.loadSync(model('./sub/w.bin', 0), { baseDir: dir }))).toEqual([1.5, 0, 3]);
    // From bytes without baseDir, no file is read at all (even one next to the process's cwd).
    await expectCode(() => Network.load(model('weights.bin', 8, 12)), 'INVALID_MODEL', /external data requires a base folder/);
    await expectCode(() => Network.loadSync(fs.readFileSync(file)), 'INVALID_MODEL', /requires a base folder/);
  });

  it('rejects absolute locations, .. components and symlinks that leave the folder', async () => {
    const dir = folder();
    const outside = tmp();
    const secret = path.join(outside, 'secret.bin');
    fs.writeFileSync(secret, payload);
    const o = { baseDir: dir };
    await expectCode(() => Network.load(model(secret, 8, 12), o), 'INVALID_MODEL', /is an absolute path/);
    await expectCode(() => Network.load(model('/etc/passwd'), o), 'INVALID_MODEL', /is an absolute path/);
    await expectCode(() => Network.load(model(`../${path.basename(outside)}/secret.bin`, 8, 12), o), 'INVALID_MODEL', /'\.\.'/);
    await expectCode(() => Network.load(model('sub/../../x.bin'), o), 'INVALID_MODEL', /'\.\.'/);
    await expectCode(() => Network.load(model('sub\\..\\weights.bin'), o), 'INVALID_MODEL', /'\.\.'/);
    fs.symlinkSync(secret, path.join(dir, 'escape.bin'));
    await expectCode(() => Network.load(model('escape.bin', 8, 12), o), 'INVALID_MODEL', /resolves outside the model's folder/);
    fs.symlinkSync(outside, path.join(dir, 'outdir'));
    await expectCode(() => Network.load(model('outdir/secret.bin', 8, 12), o), 'INVALID_MODEL', /resolves outside/);
    // A model file in the folder reading through the same links.
    const file = path.join(dir, 'model.onnx');
    fs.writeFileSync(file, model('escape.bin', 8, 12));
    await expectCode(() => Network.load(file), 'INVALID_MODEL', /resolves outside/);
    // A link inside the folder to a file inside it is fine.
    fs.symlinkSync(path.join(dir, 'weights.bin'), path.join(dir, 'alias.bin'));
    expect(await relu(await Network.load(model('alias.bin', 8, 12), o))).toEqual([1.5, 0, 3]);
  });

  it('checks offset and length against the file size and the tensor', async () => {
    const dir = folder();
    const o = { baseDir: dir };
    await expectCode(() => Network.load(model('weights.bin', 20, 12), o), 'INVALID_MODEL',
      "external data range [20, 32) of 'weights.bin' exceeds the file's 24 bytes");
    await expectCode(() => Network.load(model('weights.bin', 1e12), o), 'INVALID_MODEL', /exceeds the file's 24 bytes/);
    await expectCode(() => Network.load(model('weights.bin', 8, 16), o), 'INVALID_MODEL', /length 16 does not match shape \[3\] of float32 \(12 bytes\)/);
    await expectCode(() => Network.load(model('weights.bin', '-1', 12), o), 'INVALID_MODEL', /offset '-1' is not a non-negative integer/);
    await expectCode(() => Network.load(model('weights.bin', '99999999999999999999'), o), 'INVALID_MODEL', /not a non-negative integer/);
    await expectCode(() => Network.load(model('missing.bin'), o), 'INVALID_MODEL', /cannot be opened/);
    await expectCode(() => Network.load(model('sub'), o), 'INVALID_MODEL', /not a regular file/);
    // A trillion-element external tensor is refused before reading or allocating.
    const huge = tensorHead('w', 1, [1e6, 1e6]).message(13, new ProtoWriter().string(1, 'location').string(2, 'weights.bin')).int(14, 1);
    await expectCode(() => Network.load(modelOf(graphWithInit(huge)), o), 'INVALID_MODEL', /exceeds the tensor size limit/);
    expect(await relu(await Network.load(model('weights.bin', 8, 12), o))).toEqual([1.5, 0, 3]);
  });
});

// ---- bad calls -------------------------------------------------------------------------------

describe('bad calls', () => {
  it('load: every bad argument is a LiteinferError with a stable code naming the parameter', async () => {
    const bytes = smallModel();
    await expectCode(() => Network.load(42 as unknown as string), 'INVALID_ARGUMENT', /for model but received number 42/);
    await expectCode(() => Network.load(''), 'INVALID_ARGUMENT', /model/);
    await expectCode(() => Network.load({} as unknown as string), 'INVALID_ARGUMENT', /model/);
    await expectCode(() => Network.load(path.join(tmp(), 'missing.onnx')), 'INVALID_ARGUMENT', /not found/);
    await expectCode(() => Network.load(tmp()), 'INVALID_ARGUMENT', /not a regular file/);
    await expectCode(() => Network.load(new Uint8Array(0)), 'INVALID_MODEL', /empty/);
    await expectCode(() => Network.load(new Uint8Array([1, 2, 3])), 'INVALID_MODEL');
    await expectCode(() => Network.load(new TextEncoder().encode('this is not a model')), 'INVALID_MODEL');
    await expectCode(() => Network.load(bytes, null as unknown as object), 'INVALID_ARGUMENT', /options/);
    await expectCode(() => Network.load(bytes, 3 as unknown as object), 'INVALID_ARGUMENT', /options/);
    await expectCode(() => Network.load(bytes, { threads: 1.5 }), 'INVALID_ARGUMENT', /options.threads/);
    await expectCode(() => Network.load(bytes, { threads: 1e6 }), 'INVALID_ARGUMENT', /options.threads/);
    await expectCode(() => Network.load(bytes, { maxMemoryBytes: -1 }), 'INVALID_ARGUMENT', /options.maxMemoryBytes/);
    await expectCode(() => Network.load(bytes, { maxMemoryBytes: NaN }), 'INVALID_ARGUMENT', /options.maxMemoryBytes/);
    await expectCode(() => Network.load(bytes, { baseDir: 5 as unknown as string }), 'INVALID_ARGUMENT', /options.baseDir/);
    await expectCode(() => Network.loadSync(7 as unknown as string), 'INVALID_ARGUMENT', /model/);
    await expectCode(() => Network.loadSync(new Uint8Array([0x0a, 0xff])), 'INVALID_MODEL');
    // An ArrayBuffer works like its bytes.
    const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    (await Network.load(ab as ArrayBuffer)).dispose();
  });

  it('run: unknown, missing and doubled inputs, wrong dtype, shape or data all throw INVALID_INPUT naming the input', async () => {
    const net = await Network.load(smallModel());
    const good = () => new Tensor('float32', new Float32Array(4), [1, 4]);
    for (const run of [(f: unknown, o?: unknown) => net.run(f as never, o as never), (f: unknown, o?: unknown) => net.runSync(f as never, o as never)]) {
      await expectCode(() => run({}), 'INVALID_INPUT', "missing input 'x'");
      await expectCode(() => run({ x: good(), nope: good() }), 'INVALID_INPUT', /unknown input 'nope'; the model's inputs are 'x'/);
      await expectCode(() => run({ x: new Tensor('float64', new Float64Array(4), [1, 4]) }), 'INVALID_INPUT', "input 'x': expected dtype float32, got float64");
      await expectCode(() => run({ x: new Tensor('float32', new Float32Array(3), [1, 3]) }), 'INVALID_INPUT', "input 'x': expected shape [batch,4], got [1,3]");
      await expectCode(() => run({ x: new Tensor('float32', new Float32Array(4), [4]) }), 'INVALID_INPUT', /input 'x': expected shape \[batch,4\], got \[4\]/);
      await expectCode(() => run({ x: new Float32Array(4) }), 'INVALID_INPUT', "input 'x': expected a Tensor but received a Float32Array");
      await expectCode(() => run({ x: null }), 'INVALID_INPUT', "input 'x': expected a Tensor but received null");
      await expectCode(() => run({ x: [good()] }), 'INVALID_INPUT', /input 'x': expected a Tensor/);
      await expectCode(() => run({ x: { dtype: 'float32', data: new Float32Array(4), shape: [1, 4] } }), 'INVALID_INPUT', /expected a Tensor/);
      // Tensors altered after construction (their fields are only readonly in TypeScript).
      const wrongLength = good();
      (wrongLength as { data: unknown }).data = new Float32Array(5);
      await expectCode(() => run({ x: wrongLength }), 'INVALID_INPUT', "input 'x': shape [1,4] needs 4 elements, data has 5");
      const wrongArray = good();
      (wrongArray as { data: unknown }).data = new Int32Array(4);
      await expectCode(() => run({ x: wrongArray }), 'INVALID_INPUT', "input 'x': dtype float32 needs a Float32Array, got a Int32Array");
      const notArray = good();
      (notArray as { data: unknown }).data = [1, 2, 3, 4];
      await expectCode(() => run({ x: notArray }), 'INVALID_INPUT', "input 'x': data must be a typed array");
      const badShape = good();
      (badShape as { shape: unknown }).shape = [1, -4];
      await expectCode(() => run({ x: badShape }), 'INVALID_INPUT', "input 'x': shape[1] must be a non-negative integer");
      const badDtype = Object.create(Tensor.prototype) as Tensor;
      await expectCode(() => run({ x: badDtype }), 'INVALID_INPUT', "input 'x': invalid dtype");
      // Calls themselves.
      await expectCode(() => run(null), 'INVALID_ARGUMENT', /for feeds/);
      await expectCode(() => run([good()]), 'INVALID_ARGUMENT', /for feeds/);
      await expectCode(() => run(good()), 'INVALID_ARGUMENT', /for feeds/);
      await expectCode(() => run('x'), 'INVALID_ARGUMENT', /for feeds/);
      await expectCode(() => run({ x: good() }, 5), 'INVALID_ARGUMENT', /for options/);
      await expectCode(() => run({ x: good() }, { outputs: 'y' }), 'INVALID_ARGUMENT', /options.outputs/);
      await expectCode(() => run({ x: good() }, { outputs: [1] }), 'INVALID_ARGUMENT', /options.outputs/);
      await expectCode(() => run({ x: good() }, { outputs: ['nope'] }), 'INVALID_ARGUMENT', /unknown output 'nope'; the model's outputs are 'y'/);
    }
    await expectCode(() => net.run({ x: good() }, { signal: {} as AbortSignal }), 'INVALID_ARGUMENT', /options.signal/);
    await expectCode(() => net.run({ x: good() }, { signal: AbortSignal.abort() }), 'ABORTED');
    // memoryInfo(feeds) checks its feeds as run() does.
    await expectCode(() => net.memoryInfo({ x: new Tensor('int32', new Int32Array(4), [1, 4]) }), 'INVALID_INPUT', "input 'x': expected dtype float32, got int32");
    await expectCode(() => net.memoryInfo({ x: new Tensor('float32', new Float32Array(3), [1, 3]) }), 'INVALID_INPUT', "input 'x': expected shape [batch,4]");
    await expectCode(() => net.memoryInfo({}), 'INVALID_INPUT', "missing input 'x'");
    await expectCode(() => net.memoryInfo({ x: good(), z: good() }), 'INVALID_INPUT', "unknown input 'z'");
    expect(net.memoryInfo({ x: new Tensor('float32', new Float32Array(12), [3, 4]) }).plansCached).toBeGreaterThan(0);
    await expectCode(() => net.clone({ threads: -1 }), 'INVALID_ARGUMENT', /options.threads/);
    // NaN and infinities are data, not errors.
    const out = await net.run({ x: new Tensor('float32', [NaN, Infinity, -Infinity, 0], [1, 4]) });
    expect(Array.from(out.y.data as Float32Array).slice(1)).toEqual([Infinity, 0, 0]);  // (Relu takes NaN to 0 or NaN)
    // Every error still leaves the Network usable.
    expect((await net.run({ x: good() })).y.shape).toEqual([1, 4]);
    net.dispose();
    for (const call of [() => net.run({ x: good() }), () => net.runSync({ x: good() }), () => net.memoryInfo(), () => net.clone(),
      () => net.stats(), () => net.startProfiling(), () => net.threads]) {
      await expectCode(call, 'DISPOSED', 'this Network has been disposed');
    }
  });

  it('dtype and shape mismatches name the input for every dtype', async () => {
    const g = new GraphBuilder('typed');
    const a = g.input('a', 'int64', [2]);
    const s = g.input('s', 'string', [1]);
    const b = g.input('b', 'bool', [2]);
    g.output(g.node('Identity', [a], {}, { outputs: ['ao'] }), 'int64');
    g.output(g.node('Identity', [s], {}, { outputs: ['so'] }), 'string');
    g.output(g.node('Not', [b], {}, { outputs: ['bo'] }), 'bool');
    const net = await Network.load(g.toModel());
    const feeds = { a: new Tensor('int64', [1n, 2n], [2]), s: new Tensor('string', ['x'], [1]), b: new Tensor('bool', [true, false], [2]) };
    const out = await net.run(feeds);
    expect(out.ao.data).toEqual(new BigInt64Array([1n, 2n]));
    expect(out.so.data).toEqual(['x']);
    await expectCode(() => net.run({ ...feeds, a: new Tensor('int32', [1, 2], [2]) }), 'INVALID_INPUT', "input 'a': expected dtype int64, got int32");
    await expectCode(() => net.run({ ...feeds, s: new Tensor('string', ['x', 'y'], [2]) }), 'INVALID_INPUT', "input 's': expected shape [1], got [2]");
    const strings = new Tensor('string', ['x'], [1]);
    (strings as { data: unknown }).data = ['x', 5];
    await expectCode(() => net.run({ ...feeds, s: strings }), 'INVALID_INPUT', /input 's': (shape \[1\] needs 1 elements|data\[1\] is not a string)/);
    await expectCode(() => net.run({ ...feeds, b: new Tensor('uint8', [1, 0], [2]) }), 'INVALID_INPUT', "input 'b': expected dtype bool, got uint8");
    net.dispose();
  });
});

// ---- concurrency -----------------------------------------------------------------------------

describe('concurrency', () => {
  it('many concurrent runs on one Network and across Networks equal serial runs', async () => {
    const m = transformerBlock({ seq: 8, dim: 32, heads: 4, symbolic: true });
    const nets = await Promise.all([1, 2, 1].map((threads) => Network.load(m.bytes, { threads })));
    const inputs = Array.from({ length: 12 }, (_, k) => {
      const f = transformerBlock({ seq: 1 + (k % 5), dim: 32, heads: 4 }).makeFeeds(k + 1).x;
      return new Tensor('float32', f.data, f.shape);
    });
    const serial = inputs.map((x) => nets[0].runSync({ x }).y.data as Float32Array);
    const runs = nets.flatMap((net) => inputs.flatMap((x, k) => [0, 1].map(() => net.run({ x }).then((o) => ({ k, y: o.y.data })))));
    const results = await Promise.all(runs);
    expect(results.length).toBe(nets.length * inputs.length * 2);
    for (const { k, y } of results) expect(y).toEqual(serial[k]);
    for (const n of nets) n.dispose();
  });

  it('dispose() with runs pending: each finishes with the right answer or rejects DISPOSED, and the memory is freed', () => {
    // In a child, so RSS is this test's alone: a model with a 48 MiB weight (above malloc's
    // mmap threshold, so freeing it shows in RSS at once).
    const dir = tmp();
    const g = new GraphBuilder('wide');
    const x = g.input('x', 'float32', [4, 4096]);
    g.output(g.node('MatMul', [x, g.initializer('w', 'float32', [4096, 3072], new Float32Array(4096 * 3072).fill(1 / 4096))], {}, { outputs: ['y'] }), 'float32');
    fs.writeFileSync(path.join(dir, 'wide.onnx'), g.toModel());
    const script = `
      const { Network, Tensor } = require(${DIST});
      const mb = () => process.memoryUsage().rss / 2 ** 20;
      (async () => {
        const x = new Tensor('float32', new Float32Array(4 * 4096).fill(1), [4, 4096]);
        const rounds = [];
        for (let round = 0; round < 4; round++) {
          global.gc();
          const before = mb();
          const net = await Network.load(${JSON.stringify(path.join(dir, 'wide.onnx'))}, { threads: 2 });
          await net.run({ x });
          const loaded = mb();
          const pending = Array.from({ length: 8 }, () => net.run({ x }).then((o) => (o.y.data[0] === 1 && o.y.data[4 * 3072 - 1] === 1 ? 'ok' : 'wrong'),
            (e) => e.code));
          net.dispose();
          const settled = await Promise.all(pending);
          await new Promise((r) => setTimeout(r, 20));
          global.gc();
          rounds.push({ before, loaded, after: mb(), settled });
        }
        console.log(JSON.stringify(rounds));
      })();`;
    const rounds = child<Array<{ before: number; loaded: number; after: number; settled: string[] }>>(script);
    for (const r of rounds) {
      expect(r.settled.every((s) => s === 'ok' || s === 'DISPOSED'), r.settled.join(',')).toBe(true);
      expect(r.settled).toContain('DISPOSED');
      expect(r.loaded - r.before).toBeGreaterThan(40);     // the weight (and its packed form) was resident
      expect(r.after - r.before).toBeLessThan(24);         // and is gone after dispose
    }
  }, 120_000);
});

// ---- leaks -----------------------------------------------------------------------------------

describe('leaks', () => {
  it('1,000 load/run/dispose cycles and 10,000 runs on one Network leave RSS flat', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'mlp.onnx'), tinyMlp().bytes);
    const script = `
      const fs = require('node:fs');
      const { Network, Tensor } = require(${DIST});
      const bytes = fs.readFileSync(${JSON.stringify(path.join(dir, 'mlp.onnx'))});
      const mb = () => { global.gc(); return process.memoryUsage().rss / 2 ** 20; };
      const x = new Tensor('float32', Float32Array.from({ length: 256 }, (_, i) => Math.sin(i)), [1, 256]);
      (async () => {
        const cycle = async (k) => {
          const net = await Network.load(k % 2 ? bytes : ${JSON.stringify(path.join(dir, 'mlp.onnx'))}, { threads: 1 });
          await net.run({ x });
          net.runSync({ x });
          net.dispose();
        };
        for (let k = 0; k < 300; k++) await cycle(k);      // warm-up: allocator pools, JIT
        const cyclesStart = mb();
        const t0 = Date.now();
        for (let k = 0; k < 1000; k++) await cycle(k);
        const cyclesEnd = mb();
        const cyclesMs = Date.now() - t0;
        const net = await Network.load(bytes, { threads: 1 });
        for (let k = 0; k < 1000; k++) await net.run({ x });
        const runsStart = mb();
        const t1 = Date.now();
        for (let k = 0; k < 10000; k++) await net.run({ x });
        const runsEnd = mb();
        const runsMs = Date.now() - t1;
        net.dispose();
        console.log(JSON.stringify({ cyclesStart, cyclesEnd, cyclesMs, runsStart, runsEnd, runsMs }));
      })();`;
    const r = child<{ cyclesStart: number; cyclesEnd: number; cyclesMs: number; runsStart: number; runsEnd: number; runsMs: number }>(script);
    console.log(`leaks: 1000 load/run/dispose cycles ${r.cyclesStart.toFixed(1)} -> ${r.cyclesEnd.toFixed(1)} MiB RSS in ${r.cyclesMs} ms; ` +
      `10000 runs ${r.runsStart.toFixed(1)} -> ${r.runsEnd.toFixed(1)} MiB in ${r.runsMs} ms`);
    // The model holds ~70 KB of weights: a leak of one load per cycle would be ~70 MB.
    expect(r.cyclesEnd - r.cyclesStart).toBeLessThan(16);
    // One leaked output (40 bytes + a JS object) per run would be several MB over 10,000 runs.
    expect(r.runsEnd - r.runsStart).toBeLessThan(8);
  }, 120_000);
});
