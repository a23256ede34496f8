// Sequence and optional values: the ops (SequenceEmpty/Construct/At/Insert/Erase/Length,
// SplitToSequence, ConcatFromSequence, SequenceMap, Optional, OptionalHasElement/GetElement),
// sequences carried through Loop and returned by If, and the API round trip (a sequence is a
// Tensor[], an optional a Tensor / Tensor[] or null). Models whose graph inputs and outputs are
// tensors are compared with onnxruntime-node (its Node binding carries only tensors); the API
// round trips are compared with values computed here. Shapes are ones the backend suite lacks:
// uneven splits, negative axes and positions, int32 positions, strings, zero-length parts.
import { describe, expect, it } from 'vitest';

import { LiteinferError, Network, Tensor } from '../dist/index.js';
import { attr, GraphBuilder } from './onnx/builder';
import { expectClose, ortRun, PlainTensor } from './oracle';

type Feeds = Record<string, PlainTensor>;

let seed = 11;
function rand(): number {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
}
const numel = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const f32 = (shape: number[]): PlainTensor =>
  ({ dtype: 'float32', shape, data: Float32Array.from({ length: numel(shape) }, () => rand() * 4 - 2) });
const i32 = (shape: number[]): PlainTensor =>
  ({ dtype: 'int32', shape, data: Int32Array.from({ length: numel(shape) }, () => Math.floor(rand() * 100) - 50) });
const toTensor = (t: PlainTensor) => new Tensor(t.dtype as 'float32', t.data as Float32Array, [...t.shape]);

/** Runs the model in liteinfer (twice: the second run reuses the plan) and onnxruntime-node. */
async function againstOrt(bytes: Uint8Array, feeds: Feeds): Promise<void> {
  const expected = await ortRun(bytes, feeds);
  const net = await Network.load(bytes, { threads: 2 });
  try {
    for (let r = 0; r < 2; r++) {
      const got = await net.run(Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, toTensor(v)])));
      for (const [name, exp] of Object.entries(expected)) {
        expect(got[name], `output ${name}`).toBeInstanceOf(Tensor);
        expectClose({ dtype: got[name].dtype, shape: got[name].shape, data: got[name].data as never }, exp, { rtol: 1e-6, atol: 0 });
      }
    }
  } finally {
    net.dispose();
  }
}

const i64c = (g: GraphBuilder, values: number[], shape: number[] = values.length === 1 ? [] : [values.length]) =>
  g.constant('int64', shape, BigInt64Array.from(values.map(BigInt)));
const i32c = (g: GraphBuilder, v: number) => g.constant('int32', [], Int32Array.of(v));

describe('SplitToSequence, SequenceAt, SequenceLength, ConcatFromSequence vs onnxruntime-node', () => {
  it('a scalar split with a short last part, negative axis and position', async () => {
    const g = new GraphBuilder('split_scalar');
    const x = g.input('x', 'float32', [5, 7]);
    const seq = g.node('SplitToSequence', [x, i64c(g, [3])], { axis: -1 });
    g.output(g.node('SequenceAt', [seq, i64c(g, [-1])], {}, { outputs: ['last'] }), 'float32');
    g.output(g.node('SequenceAt', [seq, i32c(g, 1)], {}, { outputs: ['second'] }), 'float32');
    g.output(g.node('SequenceLength', [seq], {}, { outputs: ['len'] }), 'int64');
    g.output(g.node('ConcatFromSequence', [seq], { axis: 1 }, { outputs: ['back'] }), 'float32');
    await againstOrt(g.toModel({ opset: 13 }), { x: f32([5, 7]) });
  });

  it('no split with keepdims 0, stacked back along a new last axis', async () => {
    const g = new GraphBuilder('split_each');
    const x = g.input('x', 'float32', [3, 4, 5]);
    const seq = g.node('SplitToSequence', [x], { axis: -2, keepdims: 0 });
    g.output(g.node('ConcatFromSequence', [seq], { axis: -1, new_axis: 1 }, { outputs: ['stacked'] }), 'float32');
    g.output(g.node('ConcatFromSequence', [seq], { axis: 0, new_axis: 1 }, { outputs: ['front'] }), 'float32');
    g.output(g.node('SequenceAt', [seq, i64c(g, [2])], {}, { outputs: ['at2'] }), 'float32');
    await againstOrt(g.toModel({ opset: 13 }), { x: f32([3, 4, 5]) });
  });

  it('split lengths with a zero-length part on int32 data, concatenated on a negative axis', async () => {
    const g = new GraphBuilder('split_lengths');
    const x = g.input('x', 'int32', [6, 3]);
    const seq = g.node('SplitToSequence', [x, i64c(g, [1, 0, 2, 3])], { axis: 0 });
    g.output(g.node('SequenceLength', [seq], {}, { outputs: ['len'] }), 'int64');
    g.output(g.node('SequenceAt', [seq, i64c(g, [-4])], {}, { outputs: ['first'] }), 'int32');
    g.output(g.node('ConcatFromSequence', [seq], { axis: -2 }, { outputs: ['back'] }), 'int32');
    await againstOrt(g.toModel({ opset: 13 }), { x: i32([6, 3]) });
  });
});

describe('SequenceConstruct, SequenceInsert, SequenceErase, SequenceEmpty vs onnxruntime-node', () => {
  it('insert at int32 and negative positions, erase, concatenate', async () => {
    const g = new GraphBuilder('edit');
    const a = g.input('a', 'float32', [2, 3]);
    const b = g.input('b', 'float32', [1, 3]);
    const c = g.input('c', 'float32', [4, 3]);
    let seq = g.node('SequenceConstruct', [a, b]);
    seq = g.node('SequenceInsert', [seq, c, i32c(g, 1)]);        // a c b
    seq = g.node('SequenceInsert', [seq, b, i64c(g, [-3])]);     // b a c b
    seq = g.node('SequenceInsert', [seq, a]);                    // b a c b a
    seq = g.node('SequenceErase', [seq, i64c(g, [-2])]);         // b a c a
    seq = g.node('SequenceErase', [seq]);                        // b a c
    g.output(g.node('ConcatFromSequence', [seq], { axis: 0 }, { outputs: ['cat'] }), 'float32');
    g.output(g.node('SequenceLength', [seq], {}, { outputs: ['len'] }), 'int64');
    await againstOrt(g.toModel({ opset: 13 }), { a: f32([2, 3]), b: f32([1, 3]), c: f32([4, 3]) });
  });

  it('an empty int64 sequence filled by inserts', async () => {
    const g = new GraphBuilder('empty');
    const x = g.input('x', 'int64', [3]);
    let seq = g.node('SequenceEmpty', [], { dtype: 7 });
    g.output(g.node('SequenceLength', [seq], {}, { outputs: ['len0'] }), 'int64');
    seq = g.node('SequenceInsert', [seq, x]);
    seq = g.node('SequenceInsert', [seq, g.node('Neg', [x]), i64c(g, [0])]);
    g.output(g.node('ConcatFromSequence', [seq], { axis: 0, new_axis: 1 }, { outputs: ['both'] }), 'int64');
    await againstOrt(g.toModel({ opset: 13 }), { x: { dtype: 'int64', shape: [3], data: BigInt64Array.of(4n, -9n, 1n) } });
  });
});

describe('sequences through Loop, If and SequenceMap', () => {
  it('Loop carries a growing sequence (a different shape each iteration)', async () => {
    const body = new GraphBuilder('body');
    const iter = body.input('iter', 'int64', []);
    const cond = body.input('cond_in', 'bool', []);
    const seqIn = body.valueInput('seq_in', { kind: 'sequence', dtype: 'float32' });
    const one = body.constant('int64', [1], BigInt64Array.of(1n));
    const len = body.node('Add', [body.node('Unsqueeze', [iter, body.constant('int64', [1], BigInt64Array.of(0n))]), one]);
    const part = body.node('Slice', ['x', body.constant('int64', [1], BigInt64Array.of(0n)), len]);
    body.output(body.node('Identity', [cond], {}, { outputs: ['cond_out'] }), 'bool');
    body.valueOutput(body.node('SequenceInsert', [seqIn, part], {}, { outputs: ['seq_out'] }), { kind: 'sequence', dtype: 'float32' });
    const g = new GraphBuilder('loop_seq');
    g.input('x', 'float32', [6]);
    const empty = g.node('SequenceEmpty', [], { dtype: 1 });
    const [seq] = g.nodeOutputs('Loop', [i64c(g, [4]), g.constant('bool', [], Uint8Array.of(1)), empty], { body: attr.g(body) }, { outputs: ['seq'] });
    g.output(g.node('ConcatFromSequence', [seq], { axis: 0 }, { outputs: ['cat'] }), 'float32');
    g.output(g.node('SequenceLength', [seq], {}, { outputs: ['len'] }), 'int64');
    await againstOrt(g.toModel({ opset: 13 }), { x: f32([6]) });
  });

  it('If returns sequences of different lengths from its branches', async () => {
    const then = new GraphBuilder('then');
    then.valueOutput(then.node('SplitToSequence', ['x', then.constant('int64', [], BigInt64Array.of(2n))], {}, { outputs: ['t'] }),
      { kind: 'sequence', dtype: 'float32' });
    const els = new GraphBuilder('else');
    els.valueOutput(els.node('SequenceConstruct', ['x'], {}, { outputs: ['e'] }), { kind: 'sequence', dtype: 'float32' });
    const g = new GraphBuilder('if_seq');
    const cond = g.input('cond', 'bool', []);
    g.input('x', 'float32', [5, 2]);
    const seq = g.node('If', [cond], { then_branch: attr.g(then), else_branch: attr.g(els) });
    g.output(g.node('SequenceLength', [seq], {}, { outputs: ['len'] }), 'int64');
    g.output(g.node('SequenceAt', [seq, i64c(g, [-1])], {}, { outputs: ['last'] }), 'float32');
    const bytes = g.toModel({ opset: 13 });
    for (const c of [true, false]) await againstOrt(bytes, { cond: { dtype: 'bool', shape: [], data: Uint8Array.of(c ? 1 : 0) }, x: f32([5, 2]) });
  });

  it('SequenceMap over a sequence and a tensor, with two outputs of other shapes', async () => {
    const body = new GraphBuilder('map_body');
    const e = body.input('e', 'float32');
    const w = body.input('w', 'float32', [3]);
    body.output(body.node('Mul', [e, w], {}, { outputs: ['scaled'] }), 'float32');
    body.output(body.node('Shape', [e], {}, { outputs: ['shape'] }), 'int64');
    const g = new GraphBuilder('seq_map');
    const x = g.input('x', 'float32', [7, 3]);
    g.input('w', 'float32', [3]);
    const seq = g.node('SplitToSequence', [x, i64c(g, [2, 4, 1])], { axis: 0 });
    const [scaled, shapes] = g.nodeOutputs('SequenceMap', [seq, 'w'], { body: attr.g(body) }, { outputs: ['s1', 's2'] });
    g.output(g.node('ConcatFromSequence', [scaled], { axis: 0 }, { outputs: ['cat'] }), 'float32');
    g.output(g.node('ConcatFromSequence', [shapes], { axis: 0, new_axis: 1 }, { outputs: ['shapes'] }), 'int64');
    const bytes = g.toModel({ opset: 17 });
    const x0 = f32([7, 3]);
    const w0 = f32([3]);
    const net = await Network.load(bytes);
    const out = await net.run({ x: toTensor(x0), w: toTensor(w0) });
    net.dispose();
    const xs = x0.data as Float32Array;
    const ws = w0.data as Float32Array;
    expect(Array.from(out.cat.data as Float32Array)).toEqual(Array.from(xs, (v, i) => Math.fround(v * ws[i % 3])));
    expect(out.shapes.shape).toEqual([3, 2]);
    expect(Array.from(out.shapes.data as BigInt64Array)).toEqual([2n, 3n, 4n, 3n, 1n, 3n]);
  });
});

describe('Optional vs onnxruntime-node', () => {
  it('Optional of a tensor: OptionalHasElement and OptionalGetElement', async () => {
    const g = new GraphBuilder('opt');
    const x = g.input('x', 'float32', [2, 5]);
    const opt = g.node('Optional', [x]);
    g.output(g.node('OptionalHasElement', [opt], {}, { outputs: ['has'] }), 'bool');
    g.output(g.node('Relu', [g.node('OptionalGetElement', [opt])], {}, { outputs: ['y'] }), 'float32');
    await againstOrt(g.toModel({ opset: 15 }), { x: f32([2, 5]) });
  });

  it('opset 18: OptionalHasElement and OptionalGetElement on a plain tensor and on no input', async () => {
    const g = new GraphBuilder('opt18');
    const x = g.input('x', 'int32', [3, 1]);
    g.output(g.node('OptionalHasElement', [x], {}, { outputs: ['has_x'] }), 'bool');
    g.output(g.node('OptionalHasElement', [''], {}, { outputs: ['has_none'] }), 'bool');
    g.output(g.node('Neg', [g.node('OptionalGetElement', [x])], {}, { outputs: ['y'] }), 'int32');
    const seq = g.node('SplitToSequence', [x, i64c(g, [1])]);
    g.output(g.node('SequenceLength', [g.node('OptionalGetElement', [seq])], {}, { outputs: ['n'] }), 'int64');
    await againstOrt(g.toModel({ opset: 18 }), { x: i32([3, 1]) });
  });

  it('an empty Optional from its type attribute has no element', async () => {
    const g = new GraphBuilder('opt_empty');
    g.input('x', 'float32', [1]);
    const opt = g.node('Optional', [], { type: attr.type({ kind: 'tensor', dtype: 'float32' }) });
    g.output(g.node('OptionalHasElement', [opt], {}, { outputs: ['has'] }), 'bool');
    g.output(g.node('Identity', ['x'], {}, { outputs: ['y'] }), 'float32');
    const net = await Network.load(g.toModel({ opset: 15 }));
    const out = await net.run({ x: new Tensor('float32', [1], [1]) });
    expect(Array.from(out.has.data as Uint8Array)).toEqual([0]);
    net.dispose();
  });
});

describe('the API: sequence and optional inputs and outputs', () => {
  function identityModel(): Uint8Array {
    const g = new GraphBuilder('api');
    const s = g.valueInput('s', { kind: 'sequence', dtype: 'float32' });
    const o = g.valueInput('o', { kind: 'optional', dtype: 'int64' });
    g.valueOutput(g.node('Identity', [s], {}, { outputs: ['s_out'] }), { kind: 'sequence', dtype: 'float32' });
    g.output(g.node('SequenceLength', [s], {}, { outputs: ['n'] }), 'int64', []);
    g.valueOutput(g.node('Identity', [o], {}, { outputs: ['o_out'] }), { kind: 'optional', dtype: 'int64' });
    g.output(g.node('OptionalHasElement', [o], {}, { outputs: ['has'] }), 'bool');
    return g.toModel({ opset: 16 });
  }

  it('describes the inputs and outputs with their kind', async () => {
    const net = await Network.load(identityModel());
    expect(net.inputs).toEqual([
      { name: 's', dtype: 'float32', shape: null, kind: 'sequence' },
      { name: 'o', dtype: 'int64', shape: null, kind: 'optional', elementKind: 'tensor' },
    ]);
    expect(net.outputs[1]).toEqual({ name: 'n', dtype: 'int64', shape: [] });
    net.dispose();
  });

  it('round-trips a sequence and a present or absent optional (run and runSync)', async () => {
    const net = await Network.load(identityModel());
    const seq = [new Tensor('float32', [1, 2, 3], [3]), new Tensor('float32', [4, 5], [2, 1]), new Tensor('float32', [], [0])];
    const opt = new Tensor('int64', [7n, 8n], [2]);
    type Out = { s_out: Tensor[]; n: Tensor; o_out: Tensor | null; has: Tensor };
    for (const o of [opt, null]) {
      for (const out of [await net.run<Out>({ s: seq, o }), net.runSync<Out>({ s: seq, o })]) {
        expect(out.s_out).toHaveLength(3);
        out.s_out.forEach((t, i) => {
          expect(t).toBeInstanceOf(Tensor);
          expect(t.shape).toEqual(seq[i].shape);
          expect(Array.from(t.data as Float32Array)).toEqual(Array.from(seq[i].data as Float32Array));
        });
        expect(out.n.data).toEqual(BigInt64Array.of(3n));
        expect(Array.from(out.has.data as Uint8Array)).toEqual([o ? 1 : 0]);
        if (o) expect(Array.from((out.o_out as Tensor).data as BigInt64Array)).toEqual([7n, 8n]);
        else expect(out.o_out).toBeNull();
      }
    }
    const empty = await net.run<Out>({ s: [], o: null });
    expect(empty.s_out).toEqual([]);
    expect(empty.n.data).toEqual(BigInt64Array.of(0n));
    net.dispose();
  });

  it('returns an optional sequence from If (present and absent)', async () => {
    const then = new GraphBuilder('then');
    then.valueOutput(then.node('Optional', [], { type: attr.type({ kind: 'sequence', dtype: 'float32' }) }, { outputs: ['none'] }),
      { kind: 'optional', dtype: 'float32', of: 'sequence' });
    const els = new GraphBuilder('else');
    const seq = els.node('SequenceConstruct', ['x', 'x']);
    els.valueOutput(els.node('Optional', [seq], {}, { outputs: ['some'] }), { kind: 'optional', dtype: 'float32', of: 'sequence' });
    const g = new GraphBuilder('if_opt');
    const cond = g.input('cond', 'bool', []);
    g.input('x', 'float32', [2]);
    g.valueOutput(g.node('If', [cond], { then_branch: attr.g(then), else_branch: attr.g(els) }, { outputs: ['r'] }),
      { kind: 'optional', dtype: 'float32', of: 'sequence' });
    const net = await Network.load(g.toModel({ opset: 16 }));
    expect(net.outputs[0]).toMatchObject({ kind: 'optional', elementKind: 'sequence' });
    const x = new Tensor('float32', [1.5, -2], [2]);
    expect((await net.run<{ r: Tensor[] | null }>({ cond: new Tensor('bool', [true], []), x })).r).toBeNull();
    const some = (await net.run<{ r: Tensor[] | null }>({ cond: new Tensor('bool', [false], []), x })).r!;
    expect(some.map((t) => Array.from(t.data as Float32Array))).toEqual([[1.5, -2], [1.5, -2]]);
    net.dispose();
  });

  it('carries string sequences', async () => {
    const g = new GraphBuilder('strings');
    const s = g.valueInput('s', { kind: 'sequence', dtype: 'string' });
    g.output(g.node('ConcatFromSequence', [s], { axis: 0 }, { outputs: ['cat'] }), 'string');
    g.valueOutput(g.node('SplitToSequence', ['cat', g.constant('int64', [], BigInt64Array.of(2n))], {}, { outputs: ['parts'] }),
      { kind: 'sequence', dtype: 'string' });
    const net = await Network.load(g.toModel({ opset: 13 }));
    const out = await net.run<{ cat: Tensor; parts: Tensor[] }>({ s: [new Tensor('string', ['a', 'b', 'c']), new Tensor('string', ['d'])] });
    expect(out.cat.data).toEqual(['a', 'b', 'c', 'd']);
    expect(out.parts.map((t) => t.data)).toEqual([['a', 'b'], ['c', 'd']]);
    net.dispose();
  });
});

describe('errors', () => {
  async function code(p: Promise<unknown>): Promise<[string, string]> {
    try {
      await p;
    } catch (e) {
      expect(e).toBeInstanceOf(LiteinferError);
      return [(e as LiteinferError).code, (e as Error).message];
    }
    throw new Error('no error');
  }

  function seqModel(): Uint8Array {
    const g = new GraphBuilder('errs');
    const s = g.valueInput('s', { kind: 'sequence', dtype: 'float32' });
    const p = g.input('p', 'int64', []);
    g.output(g.node('SequenceAt', [s, p], {}, { name: 'at', outputs: ['y'] }), 'float32');
    g.output(g.node('ConcatFromSequence', [s], { axis: 0 }, { name: 'cat', outputs: ['c'] }), 'float32');
    return g.toModel({ opset: 13 });
  }
  const pos = (v: number) => new Tensor('int64', [BigInt(v)], []);
  const xi = new Tensor('int32', [1], [1]);

  it('rejects bad feeds with INVALID_INPUT', async () => {
    const net = await Network.load(seqModel());
    const ok = [new Tensor('float32', [1, 2], [2])];
    expect(await code(net.run({ s: new Tensor('float32', [1], [1]), p: pos(0) }))).toEqual(
      ['INVALID_INPUT', expect.stringMatching(/input 's': expected an array of Tensors \(the input is a sequence\)/)]);
    expect(await code(net.run({ s: [new Tensor('int32', [1], [1])], p: pos(0) }))).toEqual(
      ['INVALID_INPUT', expect.stringMatching(/input 's': expected elements of dtype float32, got int32/)]);
    expect(await code(net.run({ s: [ok[0], new Tensor('int32', [1], [1])], p: pos(0) }))).toEqual(
      ['INVALID_INPUT', expect.stringMatching(/element 1 has dtype int32, element 0 float32/)]);
    expect(await code(net.run({ s: [ok[0], 3 as never], p: pos(0) }))).toEqual(
      ['INVALID_INPUT', expect.stringMatching(/input 's': element 1 must be a Tensor/)]);
    expect(await code(net.run({ s: ok, p: [pos(0)] }))).toEqual(['INVALID_INPUT', expect.stringMatching(/input 'p': expected a Tensor/)]);
    expect(await code(net.run({ s: ok, p: null }))).toEqual(['INVALID_INPUT', expect.stringMatching(/input 'p': expected a Tensor/)]);
    net.dispose();
  });

  it('names the node for bad positions, dtypes and shapes', async () => {
    const net = await Network.load(seqModel());
    const s = [new Tensor('float32', [1, 2], [2]), new Tensor('float32', [3], [1, 1])];
    expect(await code(net.run({ s, p: pos(2) }))).toEqual(
      ['INVALID_INPUT', expect.stringMatching(/SequenceAt node 'at': position 2 is out of range for a sequence of length 2 \(allowed: \[-2, 1\]\)/)]);
    expect(await code(net.run({ s, p: pos(-3) }))).toEqual(['INVALID_INPUT', expect.stringMatching(/node 'at': position -3 is out of range/)]);
    expect(await code(net.run({ s, p: pos(0) }))).toEqual(
      ['INVALID_INPUT', expect.stringMatching(/ConcatFromSequence node 'cat': element 1 is float32 \[1,1\], element 0 float32 \[2\]/)]);
    expect(await code(net.run({ s: [], p: pos(0) }))).toEqual(['INVALID_INPUT', expect.stringMatching(/node 'at': position 0 is out of range for a sequence of length 0/)]);
    net.dispose();
  });

  it('rejects inserting another dtype, an absent OptionalGetElement and a bad split', async () => {
    const g = new GraphBuilder('errs2');
    const s = g.valueInput('s', { kind: 'sequence', dtype: 'float32' });
    g.valueOutput(g.node('SequenceInsert', [s, g.input('x', 'int32', [1])], {}, { name: 'ins', outputs: ['z'] }), { kind: 'sequence', dtype: 'float32' });
    const net = await Network.load(g.toModel({ opset: 13 }));
    expect(await code(net.run({ s: [new Tensor('float32', [1], [1])], x: xi }))).toEqual(
      ['INVALID_INPUT', expect.stringMatching(/SequenceInsert node 'ins': input 'tensor' has dtype int32, the sequence holds float32/)]);
    net.dispose();

    const h = new GraphBuilder('errs3');
    const o = h.valueInput('o', { kind: 'optional', dtype: 'float32' });
    h.output(h.node('OptionalGetElement', [o], {}, { name: 'get', outputs: ['y'] }), 'float32');
    const net2 = await Network.load(h.toModel({ opset: 15 }));
    expect(await code(net2.run({ o: null }))).toEqual(['INVALID_INPUT', expect.stringMatching(/OptionalGetElement node 'get': the optional input has no value/)]);
    net2.dispose();

    const k = new GraphBuilder('errs4');
    const x = k.input('x', 'float32', [5]);
    k.valueOutput(k.node('SplitToSequence', [x, k.constant('int64', [2], BigInt64Array.of(2n, 2n))], {}, { name: 'split', outputs: ['s'] }),
      { kind: 'sequence', dtype: 'float32' });
    const net3 = await Network.load(k.toModel({ opset: 13 }));
    expect(await code(net3.run({ x: new Tensor('float32', new Float32Array(5), [5]) }))).toEqual(
      ['INVALID_INPUT', expect.stringMatching(/SplitToSequence node 'split': split lengths \[2,2\] sum to 4, axis 0 of \[5\] has 5/)]);
    net3.dispose();
  });

  it('rejects a sequence fed to a tensor op in the graph', async () => {
    const g = new GraphBuilder('misuse');
    const s = g.valueInput('s', { kind: 'sequence', dtype: 'float32' });
    g.output(g.node('Relu', [s], {}, { name: 'relu', outputs: ['y'] }), 'float32');
    const net = await Network.load(g.toModel({ opset: 13 }));
    expect(await code(net.run({ s: [new Tensor('float32', [1], [1])] }))).toEqual(
      ['INVALID_MODEL', expect.stringMatching(/Relu node 'relu': input 0 \('s'\) is a sequence, the op takes tensors/)]);
    net.dispose();
  });
});
