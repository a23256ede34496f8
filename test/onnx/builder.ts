// Builds ONNX models in code for tests and benchmarks, with no protobuf library.
//
//   const g = new GraphBuilder('net');
//   const x = g.input('x', 'float32', [1, 3, 'H', 'W']);        // symbolic dims as strings
//   const w = g.initializer('w', 'float32', [8, 3, 3, 3]);      // no data: seeded normal * scale
//   const y = g.node('Conv', [x, w], { pads: [1, 1, 1, 1] });   // returns the output's name
//   g.output(y, 'float32', [1, 8, 'H', 'W']);
//   const bytes = g.toModel({ opset: 17 });
//
// Attribute values (see AttrValue): write attr.f(2) / attr.i(2) / attr.floats([1, 2]) /
// attr.ints([...]) / attr.s('x') / attr.strings([...]) / attr.t(tensor) / attr.g(builder) to be
// explicit. Plain values are inferred: an integer number or bigint -> INT, any other number ->
// FLOAT, a string -> STRING, a number[] -> INTS unless one element is fractional (then FLOATS),
// [] -> INTS, a string[] -> STRINGS. So `alpha: 2` is an INT: write `alpha: attr.f(2)`.
//
// Field numbers below are from onnx/onnx.proto3 (ModelProto, GraphProto, NodeProto, ...).
import { ProtoWriter, utf8 } from './proto';
import { Rng } from './rng';

export type DTypeName =
  | 'float32' | 'float64' | 'float16' | 'bfloat16'
  | 'int8' | 'int16' | 'int32' | 'int64' | 'uint8' | 'uint16' | 'uint32' | 'uint64'
  | 'bool' | 'string';
export type DType = DTypeName;

/** TensorProto.DataType. */
export const DTYPE_CODE: Record<DTypeName, number> = {
  float32: 1, uint8: 2, int8: 3, uint16: 4, int16: 5, int32: 6, int64: 7, string: 8,
  bool: 9, float16: 10, float64: 11, uint32: 12, uint64: 13, bfloat16: 16,
};
export const DTYPES = Object.keys(DTYPE_CODE) as DTypeName[];

/** Bytes per element in raw_data (0: string, stored in string_data). */
export const ELEM_BYTES: Record<DTypeName, number> = {
  float32: 4, float64: 8, float16: 2, bfloat16: 2, int8: 1, int16: 2, int32: 4, int64: 8,
  uint8: 1, uint16: 2, uint32: 4, uint64: 8, bool: 1, string: 0,
};

const INT_RANGE: Partial<Record<DTypeName, [bigint, bigint]>> = {
  int8: [-(2n ** 7n), 2n ** 7n - 1n], int16: [-(2n ** 15n), 2n ** 15n - 1n], int32: [-(2n ** 31n), 2n ** 31n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n], uint8: [0n, 2n ** 8n - 1n], uint16: [0n, 2n ** 16n - 1n],
  uint32: [0n, 2n ** 32n - 1n], uint64: [0n, 2n ** 64n - 1n],
};

export const isFloatDType = (d: DTypeName): boolean => d.startsWith('float') || d === 'bfloat16';

/** A dimension: a size, a symbolic name, or null for unknown (neither). */
export type Dim = number | string | null;

/**
 * Tensor elements in row-major order. float16 / bfloat16: a Uint16Array holds the bits;
 * numbers (number[], Float32Array ...) are values, rounded to nearest even. int64 / uint64:
 * numbers or bigints. bool: booleans or 0/1.
 */
export type TensorData = ArrayLike<number | bigint | boolean> | readonly string[];
export interface TensorValue { dtype: DTypeName; shape: readonly number[]; data: TensorData }

// ---------------------------------------------------------------------------------------------
// float16 / bfloat16 bits

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE half bits of `v` (through float32), round to nearest even; NaN stays NaN. */
export function toFloat16Bits(v: number): number {
  f32[0] = v;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // Subnormal half: value / 2^-24, with the implicit bit.
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let h = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rem > halfway || (rem === halfway && h & 1)) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && h & 1)) h++; // a carry into the exponent is right (up to inf)
  return sign | h;
}

export function fromFloat16Bits(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 0x1f) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** bfloat16 bits of `v` (the top half of float32), round to nearest even; NaN stays NaN. */
export function toBfloat16Bits(v: number): number {
  f32[0] = v;
  const x = u32[0];
  if ((x & 0x7fffffff) > 0x7f800000) return (x >>> 16) | 0x40;
  return ((x + 0x7fff + ((x >>> 16) & 1)) / 65536) & 0xffff;
}

export function fromBfloat16Bits(h: number): number {
  u32[0] = (h & 0xffff) << 16;
  return f32[0];
}

// ---------------------------------------------------------------------------------------------
// Tensors

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

function checkShape(what: string, shape: readonly number[]): void {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new Error(`${what}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  }
}

/** Little-endian raw_data bytes of `data` as `dtype`; throws on a value the dtype cannot hold. */
export function rawBytes(dtype: DTypeName, data: TensorData, what = 'tensor'): Uint8Array {
  if (dtype === 'string') throw new Error(`${what}: string tensors have no raw_data`);
  const n = data.length;
  const out = new Uint8Array(n * ELEM_BYTES[dtype]);
  const dv = new DataView(out.buffer);
  const arr = data as ArrayLike<number | bigint | boolean>;
  const halfBits = data instanceof Uint16Array;
  const range = INT_RANGE[dtype];
  const lo = range ? Number(range[0]) : 0;
  const hi = range ? Number(range[1]) : 0;
  for (let i = 0; i < n; i++) {
    const v = arr[i];
    if (range) {
      // Numbers beyond 2^53 are fine when integral (each double is one exact value): go through BigInt.
      const big = typeof v === 'bigint' ? v : Number.isInteger(v) && Math.abs(v as number) > 2 ** 53 ? BigInt(v as number) : undefined;
      const ok = big !== undefined
        ? big >= range[0] && big <= range[1]
        : typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;
      if (!ok) throw new Error(`${what}: element ${i} (${String(v)}) is not ${dtype}`);
    }
    switch (dtype) {
      case 'float32': dv.setFloat32(i * 4, Number(v), true); break;
      case 'float64': dv.setFloat64(i * 8, Number(v), true); break;
      case 'float16': dv.setUint16(i * 2, halfBits ? Number(v) : toFloat16Bits(Number(v)), true); break;
      case 'bfloat16': dv.setUint16(i * 2, halfBits ? Number(v) : toBfloat16Bits(Number(v)), true); break;
      case 'bool': dv.setUint8(i, v ? 1 : 0); break;
      case 'int8': dv.setInt8(i, Number(v)); break;
      case 'uint8': dv.setUint8(i, Number(v)); break;
      case 'int16': dv.setInt16(i * 2, Number(v), true); break;
      case 'uint16': dv.setUint16(i * 2, Number(v), true); break;
      case 'int32': dv.setInt32(i * 4, Number(v), true); break;
      case 'uint32': dv.setUint32(i * 4, Number(v), true); break;
      case 'int64': dv.setBigInt64(i * 8, BigInt(v), true); break;
      case 'uint64': dv.setBigUint64(i * 8, BigInt(v), true); break;
    }
  }
  return out;
}

/** A TensorProto: dims=1, data_type=2, string_data=6, name=8, raw_data=9. */
export function tensorProto(name: string, t: TensorValue): ProtoWriter {
  const what = `tensor '${name}'`;
  if (!(t.dtype in DTYPE_CODE)) throw new Error(`${what}: unknown dtype '${t.dtype}' (expected one of ${DTYPES.join(', ')})`);
  checkShape(what, t.shape);
  if (t.data.length !== size(t.shape)) {
    throw new Error(`${what}: shape [${t.shape.join(', ')}] needs ${size(t.shape)} values, got ${t.data.length}`);
  }
  const w = new ProtoWriter();
  for (const d of t.shape) w.int(1, d);
  w.int(2, DTYPE_CODE[t.dtype]);
  if (name) w.string(8, name);
  if (t.dtype === 'string') {
    for (const s of t.data as readonly string[]) {
      if (typeof s !== 'string') throw new Error(`${what}: string tensors need string elements, got ${typeof s}`);
      w.string(6, s);
    }
  } else {
    w.bytes(9, rawBytes(t.dtype, t.data, what));
  }
  return w;
}

/** Random data for an initializer without values. */
function randomData(dtype: DTypeName, n: number, rng: Rng, scale: number): TensorData {
  if (isFloatDType(dtype)) return Array.from({ length: n }, () => rng.normal() * scale);
  if (dtype === 'bool') return Array.from({ length: n }, () => rng.next() < 0.5);
  if (dtype === 'string') return Array.from({ length: n }, () => `s${rng.int(0, 1000)}`);
  const lo = dtype.startsWith('u') ? 0 : -4;
  return Array.from({ length: n }, () => rng.int(lo, lo + 8));
}

// ---------------------------------------------------------------------------------------------
// Attributes

/** AttributeProto.AttributeType. */
const ATTR = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8, TENSORS: 9, GRAPHS: 10, TYPE_PROTO: 13 } as const;

/** A sequence of `dtype` tensors, or an optional holding a tensor (default) or such a sequence. */
export type ValueType =
  | { kind: 'sequence'; dtype: DTypeName }
  | { kind: 'optional'; dtype: DTypeName; of?: 'tensor' | 'sequence' };

/** TypeProto{tensor_type=1, sequence_type=4, optional_type=9}; Sequence and Optional hold elem_type=1. */
function typeProto(t: ValueType | { kind: 'tensor'; dtype: DTypeName }): ProtoWriter {
  const tensor = (dtype: DTypeName) => new ProtoWriter().message(1, new ProtoWriter().int(1, DTYPE_CODE[dtype]));
  const sequence = (dtype: DTypeName) => new ProtoWriter().message(4, new ProtoWriter().message(1, tensor(dtype)));
  if (t.kind === 'tensor') return tensor(t.dtype);
  if (t.kind === 'sequence') return sequence(t.dtype);
  const inner = t.of === 'sequence' ? sequence(t.dtype) : tensor(t.dtype);
  return new ProtoWriter().message(9, new ProtoWriter().message(1, inner));
}

/** The explicit attribute forms; build them with the `attr` helpers. */
export type TaggedAttr =
  | { f: number } | { i: number | bigint } | { s: string | Uint8Array }
  | { floats: readonly number[] } | { ints: ReadonlyArray<number | bigint> } | { strings: ReadonlyArray<string | Uint8Array> }
  | { tensor: TensorValue } | { graph: GraphBuilder } | { tensors: readonly TensorValue[] } | { graphs: readonly GraphBuilder[] }
  | { type: ValueType | { kind: 'tensor'; dtype: DTypeName } };

export type AttrValue = number | bigint | string | readonly number[] | readonly string[] | TaggedAttr;

/** Explicit attribute values, so FLOAT vs INT is never a guess. */
export const attr = {
  f: (value: number): TaggedAttr => ({ f: value }),
  i: (value: number | bigint): TaggedAttr => ({ i: value }),
  s: (value: string | Uint8Array): TaggedAttr => ({ s: value }),
  floats: (values: readonly number[]): TaggedAttr => ({ floats: values }),
  ints: (values: ReadonlyArray<number | bigint>): TaggedAttr => ({ ints: values }),
  strings: (values: ReadonlyArray<string | Uint8Array>): TaggedAttr => ({ strings: values }),
  t: (tensor: TensorValue): TaggedAttr => ({ tensor }),
  tensors: (tensors: readonly TensorValue[]): TaggedAttr => ({ tensors }),
  g: (graph: GraphBuilder): TaggedAttr => ({ graph }),
  graphs: (graphs: readonly GraphBuilder[]): TaggedAttr => ({ graphs }),
  /** A TYPE_PROTO attribute (Optional's 'type'). */
  type: (type: ValueType | { kind: 'tensor'; dtype: DTypeName }): TaggedAttr => ({ type }),
};

function checkInts(where: string, values: ReadonlyArray<number | bigint>): void {
  for (const v of values) {
    if (typeof v === 'number' && !Number.isInteger(v)) throw new Error(`${where}: ${v} is not an integer (INT/INTS)`);
  }
}

/** An AttributeProto: name=1, f=2, i=3, s=4, t=5, g=6, floats=7, ints=8, strings=9, tensors=10, graphs=11, type=20. */
function attribute(where: string, name: string, value: AttrValue, outer: ReadonlySet<string>, validate: boolean): ProtoWriter {
  const w = new ProtoWriter().string(1, name);
  const at = `${where}, attribute '${name}'`;
  const bytes = (s: string | Uint8Array) => (typeof s === 'string' ? utf8(s) : s);
  if (typeof value === 'number') {
    return Number.isInteger(value) ? w.int(3, value).int(20, ATTR.INT) : w.float(2, value).int(20, ATTR.FLOAT);
  }
  if (typeof value === 'bigint') return w.int(3, value).int(20, ATTR.INT);
  if (typeof value === 'string') return w.string(4, value).int(20, ATTR.STRING);
  if (Array.isArray(value)) {
    const arr = value as ReadonlyArray<unknown>;
    if (arr.length > 0 && arr.every((v) => typeof v === 'string')) {
      for (const s of arr as string[]) w.string(9, s);
      return w.int(20, ATTR.STRINGS);
    }
    if (!arr.every((v) => typeof v === 'number')) throw new Error(`${at}: an array must be all numbers or all strings`);
    const nums = arr as number[];
    return nums.every(Number.isInteger) ? w.packedInts(8, nums).int(20, ATTR.INTS) : w.packedFloats(7, nums).int(20, ATTR.FLOATS);
  }
  if (typeof value !== 'object' || value === null) throw new Error(`${at}: unsupported value ${String(value)}`);
  const v = value as Record<string, unknown>;
  if ('f' in v) return w.float(2, v.f as number).int(20, ATTR.FLOAT);
  if ('i' in v) {
    checkInts(at, [v.i as number]);
    return w.int(3, v.i as number).int(20, ATTR.INT);
  }
  if ('s' in v) return w.bytes(4, bytes(v.s as string)).int(20, ATTR.STRING);
  if ('floats' in v) return w.packedFloats(7, v.floats as number[]).int(20, ATTR.FLOATS);
  if ('ints' in v) {
    checkInts(at, v.ints as number[]);
    return w.packedInts(8, v.ints as number[]).int(20, ATTR.INTS);
  }
  if ('strings' in v) {
    for (const s of v.strings as string[]) w.bytes(9, bytes(s));
    return w.int(20, ATTR.STRINGS);
  }
  if ('tensor' in v) return w.message(5, tensorProto('', v.tensor as TensorValue)).int(20, ATTR.TENSOR);
  if ('tensors' in v) {
    for (const t of v.tensors as TensorValue[]) w.message(10, tensorProto('', t));
    return w.int(20, ATTR.TENSORS);
  }
  if ('graph' in v) return w.message(6, (v.graph as GraphBuilder).graphProto(outer, validate)).int(20, ATTR.GRAPH);
  if ('graphs' in v) {
    for (const g of v.graphs as GraphBuilder[]) w.message(11, g.graphProto(outer, validate));
    return w.int(20, ATTR.GRAPHS);
  }
  if ('type' in v) return w.message(14, typeProto(v.type as ValueType)).int(20, ATTR.TYPE_PROTO);
  throw new Error(`${at}: unsupported value ${JSON.stringify(value)} (use the attr.* helpers)`);
}

// ---------------------------------------------------------------------------------------------
// Graphs

export interface NodeOptions {
  /** The node's name; default `<op>_<n>`. */
  name?: string;
  /** The operator set domain; default '' (ai.onnx). */
  domain?: string;
  /** The number of outputs (fresh names), or their names. Default: one fresh output. */
  outputs?: number | string[];
}

export interface ModelOptions {
  /** The ai.onnx opset; default 17. */
  opset?: number;
  /** ModelProto.ir_version; default 8. */
  irVersion?: number;
  /** Other domains, e.g. { 'com.microsoft': 1 }. */
  extraOpsets?: Record<string, number>;
  producerName?: string;
  /**
   * Check that every value is produced once and every node input and graph output exists
   * (default true). Set false to build a deliberately broken model.
   */
  validate?: boolean;
}

interface NodeDef { op: string; inputs: string[]; outputs: string[]; attrs: Record<string, AttrValue>; name: string; domain: string }
interface ValueDef { name: string; dtype?: DTypeName; shape?: readonly Dim[]; type?: ValueType }

export class GraphBuilder {
  private readonly nodes: NodeDef[] = [];
  private readonly inputs: ValueDef[] = [];
  private readonly outputs: ValueDef[] = [];
  private readonly infos: ValueDef[] = [];
  private readonly inits: Array<{ name: string; value: TensorValue }> = [];
  private readonly used = new Set<string>();
  private readonly counters = new Map<string, number>();
  private readonly rng: Rng;

  /** `seed` drives the random initializers. */
  constructor(readonly name = 'graph', seed = 1) {
    this.rng = new Rng(seed);
  }

  /** A name not used yet in this graph: `<prefix>_<n>`. */
  fresh(prefix = 'v'): string {
    for (;;) {
      const n = this.counters.get(prefix) ?? 0;
      this.counters.set(prefix, n + 1);
      const name = `${prefix}_${n}`;
      if (!this.used.has(name)) {
        this.used.add(name);
        return name;
      }
    }
  }

  /** A graph input. */
  input(name: string, dtype: DTypeName, shape?: readonly Dim[]): string {
    this.checkDType(`input '${name}'`, dtype);
    this.inputs.push({ name, dtype, shape });
    this.used.add(name);
    return name;
  }

  /** A graph input that is a sequence or an optional. */
  valueInput(name: string, type: ValueType): string {
    this.checkDType(`input '${name}'`, type.dtype);
    this.inputs.push({ name, dtype: type.dtype, type });
    this.used.add(name);
    return name;
  }

  /** A graph output that is a sequence or an optional. */
  valueOutput(name: string, type: ValueType): string {
    this.checkDType(`output '${name}'`, type.dtype);
    this.outputs.push({ name, dtype: type.dtype, type });
    return name;
  }

  /**
   * A constant tensor (GraphProto.initializer). Without data: seeded normal values times
   * `scale` (default 1) for float dtypes, small integers in [-4, 4) or [0, 8), random bools.
   */
  initializer(name: string, dtype: DTypeName, shape: readonly number[], data?: TensorData, opts: { scale?: number } = {}): string {
    const what = `initializer '${name}'`;
    this.checkDType(what, dtype);
    checkShape(what, shape);
    const n = size(shape);
    const values = data ?? randomData(dtype, n, this.rng, opts.scale ?? 1);
    if (values.length !== n) throw new Error(`${what}: shape [${shape.join(', ')}] needs ${n} values, got ${values.length}`);
    this.inits.push({ name, value: { dtype, shape: [...shape], data: values } });
    this.used.add(name);
    return name;
  }

  /** An initializer with a fresh name (prefix `const`). */
  constant(dtype: DTypeName, shape: readonly number[], data?: TensorData, opts: { scale?: number; prefix?: string } = {}): string {
    return this.initializer(this.fresh(opts.prefix ?? 'const'), dtype, shape, data, opts);
  }

  /** Adds a node and returns its first output's name (all of them: {@link nodeOutputs}). */
  node(op: string, inputs: readonly string[], attrs: Record<string, AttrValue> = {}, opts: NodeOptions = {}): string {
    return this.nodeOutputs(op, inputs, attrs, opts)[0];
  }

  /** Adds a node and returns all its output names. An empty input name is an omitted optional input. */
  nodeOutputs(op: string, inputs: readonly string[], attrs: Record<string, AttrValue> = {}, opts: NodeOptions = {}): string[] {
    if (!op) throw new Error('node: op type is empty');
    const name = opts.name ?? this.fresh(op);
    inputs.forEach((v, i) => {
      if (typeof v !== 'string') throw new Error(`node ${op} '${name}': input ${i} must be a value name, got ${typeof v}`);
    });
    const outputs = Array.isArray(opts.outputs)
      ? [...opts.outputs]
      : Array.from({ length: opts.outputs ?? 1 }, () => this.fresh(op.toLowerCase()));
    if (outputs.length === 0) throw new Error(`node ${op} '${name}': needs at least one output`);
    for (const o of outputs) this.used.add(o);
    this.nodes.push({ op, inputs: [...inputs], outputs, attrs: { ...attrs }, name, domain: opts.domain ?? '' });
    return outputs;
  }

  /** Declares a graph output; dtype and shape are optional, dims may be symbolic or null. */
  output(name: string, dtype?: DTypeName, shape?: readonly Dim[]): string {
    if (dtype !== undefined) this.checkDType(`output '${name}'`, dtype);
    this.outputs.push({ name, dtype, shape });
    return name;
  }

  /** Type and shape of an intermediate value (GraphProto.value_info). */
  valueInfo(name: string, dtype: DTypeName, shape?: readonly Dim[]): string {
    this.checkDType(`value_info '${name}'`, dtype);
    this.infos.push({ name, dtype, shape });
    return name;
  }

  /**
   * The GraphProto: node=1, name=2, initializer=5, input=11, output=12, value_info=13.
   * `outer` holds the names a subgraph may read from enclosing graphs.
   */
  graphProto(outer: ReadonlySet<string> = new Set(), validate = true): ProtoWriter {
    const visible = new Set(outer);
    if (validate) this.validate(outer);
    for (const v of [...this.inputs.map((i) => i.name), ...this.inits.map((i) => i.name), ...this.nodes.flatMap((n) => n.outputs)]) {
      visible.add(v);
    }
    const g = new ProtoWriter();
    for (const n of this.nodes) {
      const where = `graph '${this.name}', node ${n.op} '${n.name}'`;
      const w = new ProtoWriter();
      for (const i of n.inputs) w.string(1, i);
      for (const o of n.outputs) w.string(2, o);
      w.string(3, n.name).string(4, n.op);
      for (const [k, v] of Object.entries(n.attrs)) w.message(5, attribute(where, k, v, visible, validate));
      if (n.domain) w.string(7, n.domain);
      g.message(1, w);
    }
    g.string(2, this.name);
    for (const { name, value } of this.inits) g.message(5, tensorProto(name, value));
    for (const v of this.inputs) g.message(11, valueInfo(v));
    for (const v of this.outputs) g.message(12, valueInfo(v));
    for (const v of this.infos) g.message(13, valueInfo(v));
    return g;
  }

  /** The serialized ModelProto: ir_version=1, producer_name=2, graph=7, opset_import=8. */
  toModel(opts: ModelOptions = {}): Uint8Array {
    const m = new ProtoWriter();
    m.int(1, opts.irVersion ?? 8);
    m.string(2, opts.producerName ?? 'liteinfer-test-builder');
    m.message(7, this.graphProto(new Set(), opts.validate ?? true));
    // OperatorSetIdProto: domain=1, version=2.
    m.message(8, new ProtoWriter().string(1, '').int(2, opts.opset ?? 17));
    for (const [domain, version] of Object.entries(opts.extraOpsets ?? {})) {
      m.message(8, new ProtoWriter().string(1, domain).int(2, version));
    }
    return m.finish();
  }

  private checkDType(what: string, dtype: DTypeName): void {
    if (!(dtype in DTYPE_CODE)) throw new Error(`${what}: unknown dtype '${dtype}' (expected one of ${DTYPES.join(', ')})`);
  }

  /** SSA and reachability checks with messages naming the graph, node and value. */
  private validate(outer: ReadonlySet<string>): void {
    const producer = new Map<string, string>();
    const define = (name: string, by: string) => {
      const prev = producer.get(name);
      // An initializer may also be listed as a graph input (a default value), nothing else may repeat.
      const initAndInput = prev && (prev.startsWith('graph input') || by.startsWith('graph input')) &&
        (prev.startsWith('initializer') || by.startsWith('initializer'));
      if (prev && !initAndInput) throw new Error(`graph '${this.name}': value '${name}' is produced twice (${prev}; ${by})`);
      if (!name) throw new Error(`graph '${this.name}': ${by} has an empty name`);
      producer.set(name, by);
    };
    for (const i of this.inputs) define(i.name, 'graph input');
    for (const i of this.inits) define(i.name, 'initializer');
    for (const n of this.nodes) for (const o of n.outputs) define(o, `output of node ${n.op} '${n.name}'`);
    const known = (v: string) => producer.has(v) || outer.has(v);
    for (const n of this.nodes) {
      n.inputs.forEach((v, i) => {
        if (v && !known(v)) throw new Error(`graph '${this.name}', node ${n.op} '${n.name}': input ${i} '${v}' is not defined`);
      });
    }
    for (const o of this.outputs) {
      if (!known(o.name)) throw new Error(`graph '${this.name}': output '${o.name}' is not produced by any node, input or initializer`);
    }
  }
}

/** ValueInfoProto{name=1, type=2} > TypeProto{tensor_type=1} > Tensor{elem_type=1, shape=2} > Dimension{dim_value=1, dim_param=2}. */
function valueInfo(v: ValueDef): ProtoWriter {
  const w = new ProtoWriter().string(1, v.name);
  if (v.type) return w.message(2, typeProto(v.type));
  if (!v.dtype) return w;
  const tensorType = new ProtoWriter().int(1, DTYPE_CODE[v.dtype]);
  if (v.shape) {
    const shape = new ProtoWriter();
    for (const d of v.shape) {
      const dim = new ProtoWriter();
      if (typeof d === 'number') {
        if (!Number.isInteger(d) || d < 0) throw new Error(`value '${v.name}': bad dim ${d}`);
        dim.int(1, d);
      } else if (typeof d === 'string') {
        dim.string(2, d);
      }
      shape.message(1, dim);
    }
    tensorType.message(2, shape);
  }
  return w.message(2, new ProtoWriter().message(1, tensorType));
}
