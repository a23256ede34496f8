// The ONNX graph builder and the test networks, checked against onnxruntime-node (and, for the
// wire format, against a tiny protobuf reader written here independently of proto.ts).
// Tolerances: dtype round trips are exact; float16/bfloat16 conversions must match ORT's Cast bit
// for bit; networks only need finite outputs with real variance (their agreement with liteinfer
// is networks.test.ts's job).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

import {
  attr, DTypeName, fromBfloat16Bits, fromFloat16Bits, GraphBuilder, TensorData, toBfloat16Bits, toFloat16Bits,
} from './onnx/builder';
import * as models from './onnx/models';
import { ProtoWriter } from './onnx/proto';
import { Rng } from './onnx/rng';
import { diffStats, expectClose, ortMetadata, ortRun, PlainTensor } from './oracle';

// ---------------------------------------------------------------------------------------------
// A minimal protobuf reader, for checking what the writer produced.

type Field = { field: number; wire: number; int?: bigint; bytes?: Uint8Array; f32?: number };

function decode(buf: Uint8Array): Field[] {
  const out: Field[] = [];
  let p = 0;
  const varint = () => {
    let v = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const b = buf[p++];
      if (b === undefined) throw new Error('truncated varint');
      v |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
  };
  while (p < buf.length) {
    const key = Number(varint());
    const f: Field = { field: key >>> 3, wire: key & 7 };
    if (f.wire === 0) f.int = varint();
    else if (f.wire === 2) {
      const n = Number(varint());
      f.bytes = buf.subarray(p, p + n);
      p += n;
    } else if (f.wire === 5) {
      f.f32 = new DataView(buf.buffer, buf.byteOffset + p, 4).getFloat32(0, true);
      p += 4;
    } else throw new Error(`wire type ${f.wire}`);
    out.push(f);
  }
  if (p !== buf.length) throw new Error('overrun');
  return out;
}
const fields = (buf: Uint8Array, n: number) => decode(buf).filter((f) => f.field === n);
const one = (buf: Uint8Array, n: number) => {
  const fs_ = fields(buf, n);
  expect(fs_.length, `field ${n}`).toBe(1);
  return fs_[0];
};
const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);
/** Byte equality (vitest's deep toEqual is slow on megabyte arrays). */
const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b) === 0;

/** The attributes of the first node of a model, by name: the decoded AttributeProto. */
function firstNodeAttrs(model: Uint8Array): Record<string, Uint8Array> {
  const graph = one(model, 7).bytes!;
  const node = fields(graph, 1)[0].bytes!;
  return Object.fromEntries(fields(node, 5).map((a) => [text(one(a.bytes!, 1).bytes), a.bytes!]));
}

// ---------------------------------------------------------------------------------------------

describe('protobuf writer', () => {
  const bytesOf = (f: (w: ProtoWriter) => void) => {
    const w = new ProtoWriter();
    f(w);
    return [...w.finish()];
  };

  it('encodes varints like the protobuf docs', () => {
    expect(bytesOf((w) => w.varint(0))).toEqual([0]);
    expect(bytesOf((w) => w.varint(1))).toEqual([1]);
    expect(bytesOf((w) => w.varint(150))).toEqual([0x96, 0x01]);
    expect(bytesOf((w) => w.varint(300))).toEqual([0xac, 0x02]);
    expect(bytesOf((w) => w.varint(2 ** 32))).toEqual([0x80, 0x80, 0x80, 0x80, 0x10]);
    // Negative int64: 10-byte two's complement.
    expect(bytesOf((w) => w.varint(-1))).toEqual([...Array(9).fill(0xff), 0x01]);
    expect(bytesOf((w) => w.varint(2n ** 64n - 1n))).toEqual([...Array(9).fill(0xff), 0x01]);
    expect(bytesOf((w) => w.varint(2 ** 60))).toEqual(bytesOf((w) => w.varint(2n ** 60n)));
    expect(() => new ProtoWriter().varint(1.5)).toThrow(/not an integer/);
  });

  it('writes keys, strings, floats and packed fields', () => {
    expect(bytesOf((w) => w.int(1, 150))).toEqual([0x08, 0x96, 0x01]);
    expect(bytesOf((w) => w.string(2, 'testing'))).toEqual([0x12, 0x07, ...new TextEncoder().encode('testing')]);
    expect(bytesOf((w) => w.float(2, 1))).toEqual([0x15, 0x00, 0x00, 0x80, 0x3f]);
    expect(bytesOf((w) => w.packedInts(8, [3, 270, 86942]))).toEqual([0x42, 0x06, 0x03, 0x8e, 0x02, 0x9e, 0xa7, 0x05]);
    expect(bytesOf((w) => w.packedFloats(7, [1, -2]))).toEqual([0x3a, 0x08, 0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0]);
    expect(bytesOf((w) => w.message(20, new ProtoWriter().int(1, 1)))).toEqual([0xa2, 0x01, 0x02, 0x08, 0x01]);
    const w = new ProtoWriter().int(1, 1).bytes(2, new Uint8Array(300)).int(3, 2);
    expect(w.finish().length).toBe(w.length);
  });
});

describe('float16 and bfloat16 bits', () => {
  it('converts known values', () => {
    const f16: Array<[number, number]> = [[0, 0], [-0, 0x8000], [1, 0x3c00], [-2, 0xc000], [65504, 0x7bff], [65520, 0x7c00],
      [-Infinity, 0xfc00], [2 ** -24, 0x0001], [2 ** -14, 0x0400], [1 / 3, 0x3555], [2 ** -26, 0], [0.1, 0x2e66]];
    for (const [v, bits] of f16) expect(toFloat16Bits(v), `float16(${v})`).toBe(bits);
    expect(toFloat16Bits(NaN) & 0x7e00).toBe(0x7e00);
    // Ties go to even: 1 + 2^-11 is halfway between 1 and 1 + 2^-10.
    expect(toFloat16Bits(1 + 2 ** -11)).toBe(0x3c00);
    expect(toFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    const broken: number[] = [];
    for (let h = 0; h < 0x10000; h++) {
      if ((h & 0x7c00) === 0x7c00 && h & 0x3ff) continue; // NaNs
      if (toFloat16Bits(fromFloat16Bits(h)) !== h) broken.push(h);
    }
    expect(broken, 'float16 bits that do not round-trip').toEqual([]);
    const bf16: Array<[number, number]> = [[1, 0x3f80], [-2, 0xc000], [1 / 3, 0x3eab], [Infinity, 0x7f80], [1 + 2 ** -8, 0x3f80], [1 + 3 * 2 ** -8, 0x3f82]];
    for (const [v, bits] of bf16) expect(toBfloat16Bits(v), `bfloat16(${v})`).toBe(bits);
    expect(fromBfloat16Bits(0x3eab)).toBe(0.333984375);
    expect(Number.isNaN(fromBfloat16Bits(toBfloat16Bits(NaN)))).toBe(true);
  });

  it('rounds like onnxruntime Cast (float32 -> float16 -> float32)', async () => {
    const rng = new Rng(5);
    const values = Float32Array.from({ length: 4096 }, (_, i) =>
      (i % 4 === 0 ? rng.normal() * 1e-5 : i % 4 === 1 ? rng.normal() * 7e4 : rng.normal() * 3));
    values.set([0, -0, 65504, 65519, 65520, 2 ** -25, 2 ** -24 * 1.5, Infinity, -Infinity], 0);
    const g = new GraphBuilder('cast16');
    const x = g.input('x', 'float32', [values.length]);
    g.output(g.node('Cast', [g.node('Cast', [x], { to: 10 })], { to: 1 }, { outputs: ['y'] }), 'float32', [values.length]);
    const out = await ortRun(g.toModel(), { x: { dtype: 'float32', data: values, shape: [values.length] } });
    const mine = Float32Array.from(values, (v) => fromFloat16Bits(toFloat16Bits(v)));
    expectClose(out.y, { dtype: 'float32', data: mine, shape: [values.length] }, { rtol: 0, atol: 0 });
  });
});

// ---------------------------------------------------------------------------------------------

/** Values covering each dtype's edges. */
const DTYPE_DATA: Record<DTypeName, TensorData> = {
  float32: [1.5, -0, 3.4028234663852886e38, 1e-45, -Infinity, 0.1],
  float64: [Math.PI, -1e300, 5e-324, Infinity, 0, -2.5],
  float16: [1, -2, 65504, 2 ** -24, 0.1, -Infinity],
  bfloat16: [1, -2, 1 / 3, 3e38, 2 ** -126, -Infinity],
  int8: [-128, 127, 0, -1, 5, 100],
  int16: [-32768, 32767, 0, -1, 300, 7],
  int32: [-(2 ** 31), 2 ** 31 - 1, 0, -1, 65536, 9],
  int64: [-(2n ** 63n), 2n ** 63n - 1n, 0, -1, 2 ** 53, 2n ** 40n],
  uint8: [0, 255, 1, 128, 7, 9],
  uint16: [0, 65535, 1, 32768, 7, 9],
  uint32: [0, 2 ** 32 - 1, 1, 2 ** 31, 7, 9],
  uint64: [0, 2n ** 64n - 1n, 2n ** 63n, 1, 2 ** 53, 9],
  bool: [true, false, 1, 0, true, false],
  string: ['a', '', 'héllo', '日本語', 'x'.repeat(200), 'z'],
};

/** What ORT should return for DTYPE_DATA[dtype] (float16: bits, bfloat16: after Cast to float32). */
function expected(dtype: DTypeName, data: TensorData, shape: number[]): PlainTensor {
  const arr = data as ArrayLike<number | bigint | boolean>;
  switch (dtype) {
    case 'float16': return { dtype, shape, data: Uint16Array.from(arr as number[], (v) => toFloat16Bits(v)) };
    case 'bfloat16': return { dtype: 'float32', shape, data: Float32Array.from(arr as number[], (v) => fromBfloat16Bits(toBfloat16Bits(v))) };
    case 'int64': return { dtype, shape, data: BigInt64Array.from(arr as number[], (v) => BigInt(v)) };
    case 'uint64': return { dtype, shape, data: BigUint64Array.from(arr as number[], (v) => BigInt(v)) };
    case 'bool': return { dtype, shape, data: Uint8Array.from(arr as number[], (v) => (v ? 1 : 0)) };
    case 'string': return { dtype, shape, data: [...(data as string[])] };
    case 'float32': return { dtype, shape, data: Float32Array.from(arr as number[]) };
    default: return { dtype, shape, data: Array.from(arr as number[]) };
  }
}

describe('every dtype round-trips through onnxruntime-node', () => {
  const dtypes = Object.keys(DTYPE_DATA) as DTypeName[];

  it.each(dtypes)('%s initializer -> Identity', async (dtype) => {
    const g = new GraphBuilder(`init_${dtype}`);
    const c = g.initializer('c', dtype, [2, 3], DTYPE_DATA[dtype]);
    let y = g.node('Identity', [c], {}, { outputs: ['y'] });
    // onnxruntime-node has no bfloat16 tensors: read it through a Cast.
    if (dtype === 'bfloat16') y = g.node('Cast', [y], { to: 1 }, { outputs: ['y32'] });
    g.output(y, dtype === 'bfloat16' ? 'float32' : dtype, [2, 3]);
    const out = await ortRun(g.toModel({ opset: 17 }), {});
    const got = out[y];
    const exp = expected(dtype, DTYPE_DATA[dtype], [2, 3]);
    expect(got.shape).toEqual([2, 3]);
    expectClose(got, exp, { rtol: 0, atol: 0 });
  });

  it.each(dtypes.filter((d) => d !== 'bfloat16'))('%s graph input -> Identity, symbolic and unknown dims', async (dtype) => {
    const g = new GraphBuilder(`input_${dtype}`);
    const x = g.input('x', dtype, ['n', null]);
    g.output(g.node('Identity', [x], {}, { outputs: ['y'] }), dtype, ['n', null]);
    const model = g.toModel();
    const feed = expected(dtype, DTYPE_DATA[dtype], [3, 2]);
    const out = await ortRun(model, { x: feed });
    expectClose(out.y, feed, { rtol: 0, atol: 0 });
    const meta = await ortMetadata(model);
    expect(meta.inputs[0].dtype).toBe(dtype);
    expect(meta.inputs[0].shape[0]).toBe('n');
    expect(typeof meta.inputs[0].shape[1]).not.toBe('number');
  });

  it('initializers without data are seeded and deterministic for every dtype', async () => {
    const build = (seed: number) => {
      const g = new GraphBuilder('random', seed);
      for (const dtype of dtypes) {
        // onnxruntime-node cannot even describe a bfloat16 output: Cast it.
        const c = g.initializer(`c_${dtype}`, dtype, [4, 5]);
        g.output(g.node(dtype === 'bfloat16' ? 'Cast' : 'Identity', [c], dtype === 'bfloat16' ? { to: 1 } : {}, { outputs: [`y_${dtype}`] }));
      }
      return g.toModel();
    };
    expect(sameBytes(build(3), build(3))).toBe(true);
    expect(sameBytes(build(3), build(4))).toBe(false);
    const out = await ortRun(build(3), {});
    for (const [name, t] of Object.entries(out)) {
      expect(t.shape, name).toEqual([4, 5]);
      expect(new Set(Array.from(t.data as ArrayLike<unknown>, String)).size, `${name} varies`).toBeGreaterThan(1);
    }
    const f = out.y_float32.data as Float32Array;
    expect(diffStats(f, new Float32Array(f.length)).scale).toBeLessThan(5); // normal * 1
  });
});

// ---------------------------------------------------------------------------------------------

describe('attributes', () => {
  /** Each Constant node's value attribute, as ORT reads it. */
  const CONSTANTS: Array<[string, Record<string, unknown>, PlainTensor]> = [
    ['value_float plain 0.25', { value_float: 0.25 }, { dtype: 'float32', shape: [], data: [0.25] }],
    ['value_float attr.f(2)', { value_float: attr.f(2) }, { dtype: 'float32', shape: [], data: [2] }],
    ['value_floats plain', { value_floats: [0.5, -1.5, 3] }, { dtype: 'float32', shape: [3], data: [0.5, -1.5, 3] }],
    ['value_floats attr.floats of integers', { value_floats: attr.floats([1, 2]) }, { dtype: 'float32', shape: [2], data: [1, 2] }],
    ['value_int plain', { value_int: 7 }, { dtype: 'int64', shape: [], data: [7n] }],
    ['value_int negative', { value_int: -3 }, { dtype: 'int64', shape: [], data: [-3n] }],
    ['value_int bigint', { value_int: -(2n ** 62n) }, { dtype: 'int64', shape: [], data: [-(2n ** 62n)] }],
    ['value_int attr.i', { value_int: attr.i(2 ** 40) }, { dtype: 'int64', shape: [], data: [2n ** 40n] }],
    ['value_ints plain', { value_ints: [1, -2, 3] }, { dtype: 'int64', shape: [3], data: [1n, -2n, 3n] }],
    ['value_ints attr.ints', { value_ints: attr.ints([2n ** 63n - 1n, 0]) }, { dtype: 'int64', shape: [2], data: [2n ** 63n - 1n, 0n] }],
    ['value_string plain', { value_string: 'héllo' }, { dtype: 'string', shape: [], data: ['héllo'] }],
    ['value_string attr.s bytes', { value_string: attr.s(new TextEncoder().encode('raw')) }, { dtype: 'string', shape: [], data: ['raw'] }],
    ['value_strings plain', { value_strings: ['a', 'bc'] }, { dtype: 'string', shape: [2], data: ['a', 'bc'] }],
    ['value_strings attr.strings', { value_strings: attr.strings(['x']) }, { dtype: 'string', shape: [1], data: ['x'] }],
    ['value attr.t float', { value: attr.t({ dtype: 'float32', shape: [2, 2], data: [1, 2, 3, 4.5] }) }, { dtype: 'float32', shape: [2, 2], data: [1, 2, 3, 4.5] }],
    ['value attr.t int64', { value: attr.t({ dtype: 'int64', shape: [3], data: [-1, 0, 2n ** 50n] }) }, { dtype: 'int64', shape: [3], data: [-1n, 0n, 2n ** 50n] }],
    ['value attr.t string', { value: attr.t({ dtype: 'string', shape: [2], data: ['p', 'q'] }) }, { dtype: 'string', shape: [2], data: ['p', 'q'] }],
    ['value attr.t float16', { value: attr.t({ dtype: 'float16', shape: [2], data: [0.5, -3] }) }, { dtype: 'float16', shape: [2], data: new Uint16Array([0x3800, 0xc200]) }],
    ['value attr.t bool scalar', { value: attr.t({ dtype: 'bool', shape: [], data: [true] }) }, { dtype: 'bool', shape: [], data: new Uint8Array([1]) }],
  ];

  it.each(CONSTANTS)('Constant %s', async (_name, attrs, exp) => {
    const g = new GraphBuilder('constant');
    g.output(g.node('Constant', [], attrs as never, { outputs: ['y'] }));
    const out = await ortRun(g.toModel({ opset: 17 }), {});
    expect(out.y.dtype).toBe(exp.dtype);
    expect(out.y.shape).toEqual(exp.shape);
    expectClose(out.y, exp, { rtol: 0, atol: 0 });
  });

  it('infers FLOAT vs INT from the value and honours explicit helpers', () => {
    const g = new GraphBuilder('types');
    const x = g.input('x', 'float32', [1]);
    g.output(g.node('Custom', [x], {
      int: 2, float: 2.5, big: 2n ** 40n, neg: -7, explicitFloat: attr.f(2), explicitInt: attr.i(3), str: 'abc',
      ints: [1, 2, 3], floats: [1, 2.5], empty: [], strs: ['a', 'b'], explicitFloats: attr.floats([1, 2]),
      tensor: attr.t({ dtype: 'int32', shape: [2], data: [1, 2] }), graph: attr.g(new GraphBuilder('sub')),
      tensors: attr.tensors([{ dtype: 'float32', shape: [1], data: [1] }, { dtype: 'int8', shape: [1], data: [2] }]),
      graphs: attr.graphs([new GraphBuilder('a'), new GraphBuilder('b')]),
    }, { domain: 'test.custom' }));
    const attrs = firstNodeAttrs(g.toModel({ extraOpsets: { 'test.custom': 1 } }));
    const type = (n: string) => Number(one(attrs[n], 20).int);
    // AttributeType: FLOAT 1, INT 2, STRING 3, TENSOR 4, GRAPH 5, FLOATS 6, INTS 7, STRINGS 8, TENSORS 9, GRAPHS 10.
    const want: Record<string, number> = { int: 2, float: 1, big: 2, neg: 2, explicitFloat: 1, explicitInt: 2, str: 3, ints: 7,
      floats: 6, empty: 7, strs: 8, explicitFloats: 6, tensor: 4, graph: 5, tensors: 9, graphs: 10 };
    for (const [n, t] of Object.entries(want)) expect(type(n), n).toBe(t);
    expect(one(attrs.explicitFloat, 2).f32).toBe(2);
    expect(one(attrs.neg, 3).int).toBe(2n ** 64n - 7n); // int64 as a 64-bit varint
    expect(one(attrs.big, 3).int).toBe(2n ** 40n);
    expect(fields(attrs.strs, 9).map((f) => text(f.bytes))).toEqual(['a', 'b']);
    expect(fields(attrs.tensors, 10)).toHaveLength(2);
    expect(fields(attrs.graphs, 11).map((f) => text(one(f.bytes!, 2).bytes))).toEqual(['a', 'b']);
    // Packed INTS: field 8, one length-delimited run.
    expect([...one(attrs.ints, 8).bytes!]).toEqual([1, 2, 3]);
  });

  it('float attributes reach ORT as floats (LeakyRelu alpha = attr.f(2))', async () => {
    const g = new GraphBuilder('leaky');
    const x = g.input('x', 'float32', [4]);
    g.output(g.node('LeakyRelu', [x], { alpha: attr.f(2) }, { outputs: ['y'] }), 'float32', [4]);
    const out = await ortRun(g.toModel(), { x: { dtype: 'float32', data: [-1, -0.5, 0, 3], shape: [4] } });
    expectClose(out.y, { dtype: 'float32', data: [-2, -1, 0, 3], shape: [4] });
    // A plain 2 would be an INT, which ORT rejects for alpha.
    const bad = new GraphBuilder('leaky_int');
    bad.output(bad.node('LeakyRelu', [bad.input('x', 'float32', [4])], { alpha: 2 }, { outputs: ['y'] }));
    await expect(ortRun(bad.toModel(), { x: { dtype: 'float32', data: [1, 2, 3, 4], shape: [4] } })).rejects.toThrow();
  });

  it('graph attributes: If with then/else subgraphs reading outer-scope values', async () => {
    const g = new GraphBuilder('if');
    const cond = g.input('cond', 'bool', []);
    const x = g.input('x', 'float32', [3]);
    const two = g.initializer('two', 'float32', [], [2]);
    const thenG = new GraphBuilder('then');
    thenG.output(thenG.node('Mul', [x, two], {}, { outputs: ['then_y'] }), 'float32', [3]);
    const elseG = new GraphBuilder('else');
    elseG.output(elseG.node('Neg', [x], {}, { outputs: ['else_y'] }), 'float32', [3]);
    g.output(g.node('If', [cond], { then_branch: attr.g(thenG), else_branch: attr.g(elseG) }, { outputs: ['y'] }), 'float32', [3]);
    const model = g.toModel({ opset: 17 });
    const feeds = (c: boolean) => ({ cond: { dtype: 'bool', data: new Uint8Array([c ? 1 : 0]), shape: [] }, x: { dtype: 'float32', data: [1, -2, 3], shape: [3] } });
    expectClose((await ortRun(model, feeds(true))).y.data, [2, -4, 6]);
    expectClose((await ortRun(model, feeds(false))).y.data, [-1, 2, -3]);
  });
});

describe('model structure and validation', () => {
  it('writes the fields of onnx.proto3', () => {
    const g = new GraphBuilder('net');
    const x = g.input('x', 'float32', [1, 'H', null]);
    const w = g.initializer('w', 'float32', [2], [1, 2]);
    const y = g.node('Add', [x, w], {}, { name: 'add1' });
    g.valueInfo(y, 'float32', [1, 'H', 2]);
    g.output(g.node('Relu', [y], {}, { outputs: ['out'] }), 'float32');
    const m = g.toModel({ opset: 13, irVersion: 7, extraOpsets: { 'com.microsoft': 1 } });
    expect(one(m, 1).int).toBe(7n);
    expect(text(one(m, 2).bytes)).toBe('liteinfer-test-builder');
    expect(fields(m, 8).map((o) => [text(fields(o.bytes!, 1)[0]?.bytes), one(o.bytes!, 2).int])).toEqual([['', 13n], ['com.microsoft', 1n]]);
    const graph = one(m, 7).bytes!;
    expect(text(one(graph, 2).bytes)).toBe('net');
    const nodes = fields(graph, 1).map((n) => n.bytes!);
    expect(nodes.map((n) => text(one(n, 4).bytes))).toEqual(['Add', 'Relu']);
    expect(fields(nodes[0], 1).map((f) => text(f.bytes))).toEqual(['x', 'w']);
    expect(text(one(nodes[0], 3).bytes)).toBe('add1');
    const init = one(graph, 5).bytes!;
    expect(fields(init, 1).map((f) => f.int)).toEqual([2n]);
    expect(one(init, 2).int).toBe(1n);
    expect(text(one(init, 8).bytes)).toBe('w');
    expect([...one(init, 9).bytes!]).toEqual([0, 0, 0x80, 0x3f, 0, 0, 0, 0x40]);
    // input x: ValueInfo.type.tensor_type.shape.dim = [dim_value 1, dim_param 'H', neither].
    const tensorType = one(one(one(graph, 11).bytes!, 2).bytes!, 1).bytes!;
    expect(one(tensorType, 1).int).toBe(1n);
    const dims = fields(one(tensorType, 2).bytes!, 1).map((d) => decode(d.bytes!));
    expect(dims.map((d) => d.map((f) => [f.field, f.int ?? text(f.bytes)]))).toEqual([[[1, 1n]], [[2, 'H']], []]);
    expect(text(one(one(graph, 13).bytes!, 1).bytes)).toBe(y);
    expect(text(one(one(graph, 12).bytes!, 1).bytes)).toBe('out');
  });

  it('names fresh values without clashing with user names', () => {
    const g = new GraphBuilder('names');
    const x = g.input('relu_0', 'float32', [1]);
    const a = g.node('Relu', [x]);
    const b = g.node('Relu', [a]);
    expect(new Set([x, a, b]).size).toBe(3);
    expect(g.nodeOutputs('Split', [b], { axis: 0 }, { outputs: 2 })).toHaveLength(2);
  });

  it('rejects broken graphs and bad data with messages that name the culprit', () => {
    const g = new GraphBuilder('bad');
    const x = g.input('x', 'float32', [2]);
    g.node('Relu', [x], {}, { outputs: ['y'], name: 'r1' });
    g.node('Relu', [x], {}, { outputs: ['y'], name: 'r2' });
    g.output('y');
    expect(() => g.toModel()).toThrow(/'y' is produced twice.*r1.*r2/);
    expect(() => g.toModel({ validate: false })).not.toThrow();

    const h = new GraphBuilder('bad2');
    h.node('Relu', ['nope'], {}, { name: 'r' });
    expect(() => h.toModel()).toThrow(/node Relu 'r': input 0 'nope' is not defined/);
    const k = new GraphBuilder('bad3');
    k.output('ghost');
    expect(() => k.toModel()).toThrow(/output 'ghost'/);

    const d = new GraphBuilder('data');
    expect(() => d.initializer('w', 'float32', [2, 3], [1, 2])).toThrow(/initializer 'w': shape \[2, 3\] needs 6 values, got 2/);
    expect(() => d.initializer('w', 'float33' as DTypeName, [1], [1])).toThrow(/unknown dtype 'float33'/);
    expect(() => d.initializer('w', 'float32', [-1])).toThrow(/non-negative integers/);
    d.initializer('i8', 'int8', [1], [200]);
    d.output(d.node('Identity', ['i8']));
    expect(() => d.toModel()).toThrow(/tensor 'i8': element 0 \(200\) is not int8/);
    const e = new GraphBuilder('attr');
    e.output(e.node('Foo', [], { ints: attr.ints([1.5]) }, { name: 'foo' }));
    expect(() => e.toModel()).toThrow(/node Foo 'foo', attribute 'ints': 1.5 is not an integer/);
  });

  it('expectClose reports the worst element, errors and shapes', () => {
    const shape = [2, 3];
    const e = { dtype: 'float32', shape, data: Float32Array.from([1, 2, 3, 4, 5, 6]) };
    expect(() => expectClose({ ...e, data: Float32Array.from([1, 2, 3, 4, 5.5, 6]) }, e))
      .toThrow(/1 of 6 elements differ.*worst at 4 \[1, 1\]: actual 5.5, expected 5; max abs error 0.500.*shapes: actual \[2, 3\]/);
    expect(() => expectClose({ ...e, shape: [3, 2] }, e)).toThrow(/shape differs/);
    expect(() => expectClose([1, 2, NaN], [1, 2.00001, NaN], { rtol: 1e-4 })).not.toThrow();
    expect(() => expectClose(new Int32Array([1, 2]), new Int32Array([1, 3]))).toThrow(/1 of 2 elements differ.*first at 1/);
  });
});

// ---------------------------------------------------------------------------------------------

const NETWORKS: Array<[string, () => models.GeneratedModel]> = [
  ['resnetStyle', () => models.resnetStyle()],
  ['resnetStyle 3x3 stem, batch 2, 2 blocks per stage', () => models.resnetStyle({ stem: '3x3', batch: 2, size: 32, blocks: [2, 2, 2, 2], classes: 1000 })],
  ['mobilenetV2Style', () => models.mobilenetV2Style()],
  ['transformerBlock', () => models.transformerBlock()],
  ['transformerBlock symbolic batch/seq (2 x 17)', () => models.transformerBlock({ symbolic: true, batch: 2, seq: 17 })],
  ['tinyMlp', () => models.tinyMlp()],
  ['builtinModel', () => models.builtinModel()],
];

describe('network generators run in onnxruntime-node', () => {
  it.each(NETWORKS)('%s', async (_name, make) => {
    const m = make();
    expect(sameBytes(make().bytes, m.bytes), 'deterministic').toBe(true);
    const feeds = m.makeFeeds(7);
    const out = await ortRun(m.bytes, feeds, { threads: 2 });
    const other = await ortRun(m.bytes, m.makeFeeds(8), { threads: 2 });
    expect(Object.keys(out)).toEqual(m.outputs.map((o) => o.name));
    for (const spec of m.outputs) {
      const t = out[spec.name];
      const shape = spec.shape.map((d, i) => (typeof d === 'number' ? d : t.shape[i]));
      expect(t.shape, spec.name).toEqual(shape);
      const data = t.data as Float32Array;
      let sum = 0;
      let sq = 0;
      for (const v of data) {
        expect(Number.isFinite(v)).toBe(true);
        sum += v;
        sq += v * v;
      }
      const mean = sum / data.length;
      const std = Math.sqrt(sq / data.length - mean * mean);
      // O(1) activations: not vanishing, not exploding, not constant.
      expect(std, `${spec.name} std`).toBeGreaterThan(0.05);
      expect(std, `${spec.name} std`).toBeLessThan(20);
      // The output depends on the input.
      const s = diffStats(other[spec.name].data as Float32Array, data);
      expect(s.maxAbs / s.scale, `${spec.name} input sensitivity`).toBeGreaterThan(1e-2);
    }
    const meta = await ortMetadata(m.bytes);
    expect(meta.inputs.map((i) => [i.name, i.shape])).toEqual(m.inputs.map((i) => [i.name, i.shape]));
  });

  it('the symbolic transformer runs at other batch and sequence sizes', async () => {
    const m = models.transformerBlock({ symbolic: true });
    for (const [b, s] of [[1, 1], [3, 5]]) {
      const x = { dtype: 'float32', shape: [b, s, 64], data: new Rng(1).floats(b * s * 64) };
      expect((await ortRun(m.bytes, { x })).y.shape).toEqual([b, s, 64]);
    }
  });

  it('models/builtin.onnx is under 1 MB and matches builtinModel() (regenerate: node scripts/gen-builtin-model.js)', () => {
    const file = path.join(__dirname, '..', 'models', 'builtin.onnx');
    const bytes = fs.readFileSync(file);
    expect(bytes.length).toBeLessThan(1_000_000);
    expect(sameBytes(bytes, models.builtinModel().bytes), 'models/builtin.onnx is stale').toBe(true);
  });
});
