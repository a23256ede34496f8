// Builds ONNX models in code for tests and benchmarks.
//
//   const g = new GraphBuilder('net');
//   const x = g.input('x', 'float32', [1, 3, 'H', 'W']);       // symbolic dims as strings
//   const w = g.initializer('w', 'float32', [8, 3, 3, 3]);     // data omitted: seeded normal * scale
//   const y = g.node('Conv', [x, w], { pads: [1, 1, 1, 1] });  // returns the (first) output name
//   g.output(y, 'float32', [1, 8, 'H', 'W']);
//   const bytes = g.toModel({ opset: 17 });
//
// Attributes from JS values: an integer -> INT, another number -> FLOAT, {f: x} / {i: x} to be
// explicit, a string -> STRING, a number[] -> INTS (FLOATS if any is fractional), {floats: [...]},
// {ints: [...]}, string[] -> STRINGS, {tensor: {dtype, shape, data}} -> TENSOR, {graph: builder}.
import { ProtoWriter } from './proto';
import { Rng } from './rng';

export type DTypeName =
  | 'float32' | 'float64' | 'float16' | 'bfloat16' | 'int8' | 'int16' | 'int32' | 'int64'
  | 'uint8' | 'uint16' | 'uint32' | 'uint64' | 'bool' | 'string';

export const DTYPE_CODE: Record<DTypeName, number> = {
  float32: 1, uint8: 2, int8: 3, uint16: 4, int16: 5, int32: 6, int64: 7, string: 8,
  bool: 9, float16: 10, float64: 11, uint32: 12, uint64: 13, bfloat16: 16,
};

export type Dim = number | string;
export type TensorData = ArrayLike<number | bigint | boolean> | string[];
export interface TensorValue { dtype: DTypeName; shape: number[]; data: TensorData }

export type AttrValue =
  | number | string | number[] | string[]
  | { f: number } | { i: number } | { floats: number[] } | { ints: number[] }
  | { tensor: TensorValue } | { graph: GraphBuilder };

export interface NodeOptions {
  name?: string;
  domain?: string;
  /** The number of outputs, or their names. Default: one output with a fresh name. */
  outputs?: number | string[];
}

interface NodeDef { op: string; inputs: string[]; outputs: string[]; attrs: Record<string, AttrValue>; name: string; domain: string }
interface ValueDef { name: string; dtype?: DTypeName; shape?: Dim[] }

const ELEM_BYTES: Record<DTypeName, number> = {
  float32: 4, float64: 8, float16: 2, bfloat16: 2, int8: 1, int16: 2, int32: 4, int64: 8,
  uint8: 1, uint16: 2, uint32: 4, uint64: 8, bool: 1, string: 0,
};

/** Little-endian raw bytes of `data` as `dtype` (float16/bfloat16 data are already bits). */
export function rawBytes(dtype: DTypeName, data: TensorData): Uint8Array {
  const n = data.length;
  const out = new Uint8Array(n * ELEM_BYTES[dtype]);
  const dv = new DataView(out.buffer);
  const arr = data as ArrayLike<number | bigint | boolean>;
  for (let i = 0; i < n; i++) {
    const v = arr[i];
    switch (dtype) {
      case 'float32': dv.setFloat32(i * 4, Number(v), true); break;
      case 'float64': dv.setFloat64(i * 8, Number(v), true); break;
      case 'float16': case 'bfloat16': case 'uint16': dv.setUint16(i * 2, Number(v), true); break;
      case 'int8': dv.setInt8(i, Number(v)); break;
      case 'uint8': dv.setUint8(i, Number(v)); break;
      case 'bool': dv.setUint8(i, v ? 1 : 0); break;
      case 'int16': dv.setInt16(i * 2, Number(v), true); break;
      case 'int32': dv.setInt32(i * 4, Number(v), true); break;
      case 'uint32': dv.setUint32(i * 4, Number(v), true); break;
      case 'int64': dv.setBigInt64(i * 8, BigInt(v as number | bigint), true); break;
      case 'uint64': dv.setBigUint64(i * 8, BigInt(v as number | bigint), true); break;
      default: throw new Error(`rawBytes: ${dtype}`);
    }
  }
  return out;
}

export function tensorProto(name: string, t: TensorValue): ProtoWriter {
  const w = new ProtoWriter();
  for (const d of t.shape) w.int(1, d);
  w.int(2, DTYPE_CODE[t.dtype]);
  w.string(8, name);
  if (t.dtype === 'string') for (const s of t.data as string[]) w.string(6, s);
  else w.bytes(9, rawBytes(t.dtype, t.data));
  return w;
}

function valueInfo(v: ValueDef): ProtoWriter {
  const w = new ProtoWriter().string(1, v.name);
  if (v.dtype) {
    const tensorType = new ProtoWriter().int(1, DTYPE_CODE[v.dtype]);
    if (v.shape) {
      const shape = new ProtoWriter();
      for (const d of v.shape) {
        shape.message(1, typeof d === 'number' ? new ProtoWriter().int(1, d) : new ProtoWriter().string(2, d));
      }
      tensorType.message(2, shape);
    }
    w.message(2, new ProtoWriter().message(1, tensorType));
  }
  return w;
}

function attribute(name: string, value: AttrValue): ProtoWriter {
  const w = new ProtoWriter().string(1, name);
  const isInt = (x: number) => Number.isInteger(x);
  if (typeof value === 'number') {
    return isInt(value) ? w.int(3, value).int(20, 2) : w.float(2, value).int(20, 1);
  }
  if (typeof value === 'string') return w.string(4, value).int(20, 3);
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === 'string')) {
      for (const s of value as string[]) w.string(9, s);
      return w.int(20, 8);
    }
    const nums = value as number[];
    return nums.every(isInt) ? w.packedInts(8, nums).int(20, 7) : w.packedFloats(7, nums).int(20, 6);
  }
  if ('f' in value) return w.float(2, value.f).int(20, 1);
  if ('i' in value) return w.int(3, value.i).int(20, 2);
  if ('floats' in value) return w.packedFloats(7, value.floats).int(20, 6);
  if ('ints' in value) return w.packedInts(8, value.ints).int(20, 7);
  if ('tensor' in value) return w.message(5, tensorProto('', value.tensor)).int(20, 4);
  if ('graph' in value) return w.message(6, value.graph.graphProto()).int(20, 5);
  throw new Error(`attribute ${name}: unsupported value`);
}

export class GraphBuilder {
  private nodes: NodeDef[] = [];
  private inputs: ValueDef[] = [];
  private outputs: ValueDef[] = [];
  private inits: Array<{ name: string; value: TensorValue }> = [];
  private counter = 0;
  private rng: Rng;

  constructor(readonly name = 'graph', seed = 1) {
    this.rng = new Rng(seed);
  }

  /** A fresh value name. */
  fresh(prefix = 'v'): string {
    return `${prefix}_${this.counter++}`;
  }

  input(name: string, dtype: DTypeName, shape?: Dim[]): string {
    this.inputs.push({ name, dtype, shape });
    return name;
  }

  /** A constant. Without data: seeded normal values times `scale` (default 1); ints: small values. */
  initializer(name: string, dtype: DTypeName, shape: number[], data?: TensorData, opts: { scale?: number } = {}): string {
    const n = shape.reduce((a, b) => a * b, 1);
    let values = data;
    if (values === undefined) {
      const scale = opts.scale ?? 1;
      values = dtype.startsWith('float') || dtype === 'bfloat16'
        ? Array.from({ length: n }, () => this.rng.normal() * scale)
        : Array.from({ length: n }, () => Math.floor(this.rng.next() * 4));
    }
    if (values.length !== n) throw new Error(`initializer ${name}: shape [${shape}] needs ${n} values, got ${values.length}`);
    this.inits.push({ name, value: { dtype, shape, data: values } });
    return name;
  }

  /** Adds a node; returns its first output's name (see {@link nodeOutputs} for all). */
  node(op: string, inputs: string[], attrs: Record<string, AttrValue> = {}, opts: NodeOptions = {}): string {
    return this.nodeOutputs(op, inputs, attrs, opts)[0];
  }

  nodeOutputs(op: string, inputs: string[], attrs: Record<string, AttrValue> = {}, opts: NodeOptions = {}): string[] {
    const outputs = Array.isArray(opts.outputs)
      ? opts.outputs
      : Array.from({ length: opts.outputs ?? 1 }, () => this.fresh(op.toLowerCase()));
    this.nodes.push({ op, inputs, outputs, attrs, name: opts.name ?? this.fresh(`${op}_node`), domain: opts.domain ?? '' });
    return outputs;
  }

  output(name: string, dtype?: DTypeName, shape?: Dim[]): string {
    this.outputs.push({ name, dtype, shape });
    return name;
  }

  graphProto(): ProtoWriter {
    const g = new ProtoWriter();
    for (const n of this.nodes) {
      const w = new ProtoWriter();
      for (const i of n.inputs) w.string(1, i);
      for (const o of n.outputs) w.string(2, o);
      w.string(3, n.name).string(4, n.op);
      for (const [k, v] of Object.entries(n.attrs)) w.message(5, attribute(k, v));
      if (n.domain) w.string(7, n.domain);
      g.message(1, w);
    }
    g.string(2, this.name);
    for (const { name, value } of this.inits) g.message(5, tensorProto(name, value));
    for (const v of this.inputs) g.message(11, valueInfo(v));
    for (const v of this.outputs) g.message(12, valueInfo(v));
    return g;
  }

  /** The serialized ModelProto. */
  toModel(opts: { opset?: number; irVersion?: number; extraOpsets?: Record<string, number> } = {}): Uint8Array {
    const m = new ProtoWriter();
    m.int(1, opts.irVersion ?? 8);
    m.string(2, 'liteinfer-test-builder');
    m.message(7, this.graphProto());
    m.message(8, new ProtoWriter().string(1, '').int(2, opts.opset ?? 17));
    for (const [domain, version] of Object.entries(opts.extraOpsets ?? {})) {
      m.message(8, new ProtoWriter().string(1, domain).int(2, version));
    }
    return m.finish();
  }
}
