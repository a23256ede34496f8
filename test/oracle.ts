// onnxruntime-node as the test oracle, and an array comparison with helpful failure messages.
// No vitest import: a failed comparison throws an Error, so scripts and benches can use it too.
import * as ort from 'onnxruntime-node';

import { fromFloat16Bits, toFloat16Bits } from './onnx/builder';

/** A tensor as plain data; float16 data are Uint16Array bits, int64 BigInt64Array, bool Uint8Array. */
export interface PlainTensor {
  dtype: string;
  data: ArrayLike<number | bigint | boolean> | readonly string[];
  shape: readonly number[];
}

const TYPED: Record<string, (new (n: number) => ArrayLike<number | bigint>) | undefined> = {
  float32: Float32Array, float64: Float64Array, int8: Int8Array, int16: Int16Array, int32: Int32Array,
  uint8: Uint8Array, uint16: Uint16Array, uint32: Uint32Array, bool: Uint8Array, float16: Uint16Array,
  int64: BigInt64Array, uint64: BigUint64Array,
};

/** The typed array onnxruntime-node wants for `t` (converting number[] and float16 values). */
function toOrt(name: string, t: PlainTensor): ort.Tensor {
  if (t.dtype === 'string') return new ort.Tensor('string', [...(t.data as readonly string[])], [...t.shape]);
  const Ctor = TYPED[t.dtype];
  if (!Ctor) {
    throw new Error(`ortRun: input '${name}' has dtype ${t.dtype}, which onnxruntime-node cannot feed ` +
      `(for bfloat16, feed float32 and Cast inside the model)`);
  }
  let data: unknown = t.data;
  if (!(data instanceof Ctor)) {
    const src = t.data as ArrayLike<number | bigint | boolean>;
    const out = new Ctor(src.length) as unknown as { [i: number]: number | bigint };
    for (let i = 0; i < src.length; i++) {
      const v = src[i];
      if (t.dtype === 'int64' || t.dtype === 'uint64') out[i] = BigInt(v as number | bigint);
      else if (t.dtype === 'float16') out[i] = toFloat16Bits(Number(v)); // values, not bits
      else out[i] = Number(v);
    }
    data = out;
  }
  return new ort.Tensor(t.dtype as 'float32', data as Float32Array, [...t.shape]);
}

export interface OrtRunOptions {
  /** intraOpNumThreads; default 1. */
  threads?: number;
  /** Output names to fetch; default all. */
  outputs?: string[];
  /**
   * Graph optimizations; default true. false runs the model's own nodes: onnxruntime's
   * QuickGelu fusion of x * sigmoid(x) has no float64 kernel and fails such models at load.
   */
  optimize?: boolean;
}

async function createSession(model: Uint8Array | string, threads: number, optimize = true): Promise<ort.InferenceSession> {
  const options: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: optimize ? 'all' : 'disabled',
    logSeverityLevel: 3, // errors only: no "unused initializer" warnings in test logs
  };
  return typeof model === 'string'
    ? ort.InferenceSession.create(model, options)
    : ort.InferenceSession.create(model, options);
}

/** Runs a model (bytes or a file path) in onnxruntime-node, by default with graph optimizations on; outputs by name. */
export async function ortRun(model: Uint8Array | string, feeds: Record<string, PlainTensor>, opts: OrtRunOptions = {}):
  Promise<Record<string, PlainTensor>> {
  const session = await createSession(model, opts.threads ?? 1, opts.optimize ?? true);
  try {
    const inputs = Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, toOrt(k, v)]));
    const out = opts.outputs ? await session.run(inputs, opts.outputs) : await session.run(inputs);
    return Object.fromEntries(Object.entries(out).map(([k, v]) =>
      [k, { dtype: v.type, data: v.data as PlainTensor['data'], shape: [...v.dims] }]));
  } finally {
    await session.release();
  }
}

export interface OrtValueInfo { name: string; dtype: string; shape: Array<number | string> }

/** Inputs and outputs as onnxruntime-node reads them from the model (symbolic dims as strings). */
export async function ortMetadata(model: Uint8Array | string): Promise<{ inputs: OrtValueInfo[]; outputs: OrtValueInfo[] }> {
  const session = await createSession(model, 1);
  try {
    const info = (m: readonly ort.InferenceSession.ValueMetadata[]) => m.map((v) =>
      ({ name: v.name, dtype: v.isTensor ? v.type : 'non-tensor', shape: v.isTensor ? [...v.shape] : [] }));
    return { inputs: info(session.inputMetadata), outputs: info(session.outputMetadata) };
  } finally {
    await session.release();
  }
}

// ---------------------------------------------------------------------------------------------
// Comparison

export interface Tolerance {
  /** Relative tolerance; default 1e-4. */
  rtol?: number;
  /** Absolute tolerance; default 1e-5. */
  atol?: number;
}

type Data = PlainTensor['data'];
const isTensor = (x: unknown): x is PlainTensor =>
  typeof x === 'object' && x !== null && 'data' in x && 'shape' in x && 'dtype' in x;

const EXACT = new Set(['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'bool', 'string']);

/** Is `data` compared exactly? By dtype when known, else by the array type. */
function exact(data: Data, dtype: string | undefined): boolean {
  if (dtype) return EXACT.has(dtype);
  return !(data instanceof Float32Array || data instanceof Float64Array) &&
    (ArrayBuffer.isView(data) || typeof data[0] !== 'number' || (data as ArrayLike<number>).length === 0);
}

function numbers(data: Data, dtype: string | undefined): ArrayLike<number> {
  if (dtype === 'float16' && data instanceof Uint16Array) return Array.from(data, fromFloat16Bits);
  return data as ArrayLike<number>;
}

/** Row-major index -> [i, j, ...] for messages. */
function coords(index: number, shape: readonly number[] | undefined): string {
  if (!shape || shape.length < 2) return `${index}`;
  const c: number[] = [];
  let r = index;
  for (let d = shape.length - 1; d >= 0; d--) {
    c.unshift(r % shape[d]);
    r = Math.floor(r / shape[d]);
  }
  return `${index} [${c.join(', ')}]`;
}

export interface DiffStats {
  /** Largest |actual - expected| and where. */
  maxAbs: number;
  maxAbsIndex: number;
  /** Largest |actual - expected| / |expected| over elements with expected != 0. */
  maxRel: number;
  /** max |expected|: the output's magnitude. */
  scale: number;
  /** Elements outside atol + rtol * |expected|, and the worst of them (-1: none). */
  failures: number;
  worstIndex: number;
}

/** Error statistics of two float arrays; NaN matches NaN and equal infinities match. */
export function diffStats(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance = {}): DiffStats {
  const rtol = tol.rtol ?? 1e-4;
  const atol = tol.atol ?? 1e-5;
  const s: DiffStats = { maxAbs: 0, maxAbsIndex: -1, maxRel: 0, scale: 0, failures: 0, worstIndex: -1 };
  let worstExcess = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = Number(actual[i]);
    const e = Number(expected[i]);
    if (Number.isFinite(e)) s.scale = Math.max(s.scale, Math.abs(e));
    if (a === e || (Number.isNaN(a) && Number.isNaN(e))) continue;
    const diff = Number.isNaN(a - e) ? Infinity : Math.abs(a - e);
    if (diff > s.maxAbs || s.maxAbsIndex < 0) {
      s.maxAbs = diff;
      s.maxAbsIndex = i;
    }
    if (e !== 0) s.maxRel = Math.max(s.maxRel, diff / Math.abs(e));
    const excess = diff / (atol + rtol * Math.abs(e));
    if (!(excess <= 1)) {
      s.failures++;
      if (s.worstIndex < 0 || excess > worstExcess) {
        s.worstIndex = i;
        worstExcess = excess;
      }
    }
  }
  return s;
}

/**
 * Asserts |actual - expected| <= atol + rtol * |expected| elementwise (NaN equals NaN); integer,
 * bool and string data must be equal. Pass PlainTensors to compare shapes and dtypes too (and to
 * compare float16 bits as values). The message gives the worst element, max abs and rel errors.
 */
export function expectClose(actual: PlainTensor | Data, expected: PlainTensor | Data, tol: Tolerance = {}): void {
  const a = isTensor(actual) ? actual : undefined;
  const e = isTensor(expected) ? expected : undefined;
  const ad = a ? a.data : (actual as Data);
  const ed = e ? e.data : (expected as Data);
  const shapes = a && e ? ` (shapes: actual [${a.shape.join(', ')}], expected [${e.shape.join(', ')}])` : '';
  const shape = e?.shape ?? a?.shape;
  if (a && e) {
    if (a.dtype !== e.dtype) throw new Error(`dtype differs: actual ${a.dtype}, expected ${e.dtype}${shapes}`);
    if (a.shape.length !== e.shape.length || a.shape.some((d, i) => d !== e.shape[i])) throw new Error(`shape differs${shapes}`);
  }
  if (ad.length !== ed.length) throw new Error(`element count differs: actual ${ad.length}, expected ${ed.length}${shapes}`);
  const dtype = e?.dtype ?? a?.dtype;
  if (exact(ed, dtype)) {
    let count = 0;
    let first = -1;
    for (let i = 0; i < ed.length; i++) {
      if (ad[i] !== ed[i] && Number(ad[i]) !== Number(ed[i])) {
        if (first < 0) first = i;
        count++;
      }
    }
    if (first >= 0) {
      throw new Error(`${count} of ${ed.length} elements differ${dtype ? ` (${dtype}, compared exactly)` : ''}; first at ` +
        `${coords(first, shape)}: actual ${String(ad[first])}, expected ${String(ed[first])}${shapes}`);
    }
    return;
  }
  const rtol = tol.rtol ?? 1e-4;
  const atol = tol.atol ?? 1e-5;
  const s = diffStats(numbers(ad, dtype), numbers(ed, dtype), { rtol, atol });
  if (s.failures > 0) {
    const an = numbers(ad, dtype);
    const en = numbers(ed, dtype);
    const w = s.worstIndex;
    throw new Error(`${s.failures} of ${ed.length} elements differ beyond rtol ${rtol} + atol ${atol}; worst at ` +
      `${coords(w, shape)}: actual ${an[w]}, expected ${en[w]}; max abs error ${s.maxAbs.toPrecision(3)} at ` +
      `${coords(s.maxAbsIndex, shape)}, max rel error ${s.maxRel.toPrecision(3)}, max |expected| ${s.scale.toPrecision(3)}${shapes}`);
  }
}
