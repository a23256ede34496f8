// onnxruntime-node as the test oracle, and a comparison with helpful failure messages.
import * as ort from 'onnxruntime-node';
import { expect } from 'vitest';

export interface PlainTensor {
  dtype: string;
  data: ArrayLike<number | bigint> | string[];
  shape: readonly number[];
}

const ORT_ARRAY: Record<string, { new (n: ArrayLike<number> | number): ArrayLike<number> } | undefined> = {
  float32: Float32Array, float64: Float64Array, int8: Int8Array, int16: Int16Array, int32: Int32Array,
  uint8: Uint8Array, uint16: Uint16Array, uint32: Uint32Array, bool: Uint8Array, float16: Uint16Array,
};

function toOrt(t: PlainTensor): ort.Tensor {
  let data: unknown = t.data;
  if (t.dtype === 'int64' && !(data instanceof BigInt64Array)) data = BigInt64Array.from(data as ArrayLike<number>, (v) => BigInt(v));
  else if (t.dtype === 'uint64' && !(data instanceof BigUint64Array)) data = BigUint64Array.from(data as ArrayLike<number>, (v) => BigInt(v));
  else if (t.dtype !== 'string' && !ArrayBuffer.isView(data)) data = new (ORT_ARRAY[t.dtype]!)(data as ArrayLike<number>);
  return new ort.Tensor(t.dtype as 'float32', data as Float32Array, [...t.shape]);
}

/** Runs a model in onnxruntime-node; outputs by name. */
export async function ortRun(model: Uint8Array, feeds: Record<string, PlainTensor>, opts: { threads?: number } = {}):
  Promise<Record<string, PlainTensor>> {
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: opts.threads ?? 1, interOpNumThreads: 1, graphOptimizationLevel: 'all',
  });
  try {
    const inputs = Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, toOrt(v)]));
    const out = await session.run(inputs);
    return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, { dtype: v.type, data: v.data as PlainTensor['data'], shape: [...v.dims] }]));
  } finally {
    await session.release();
  }
}

/**
 * Asserts |actual - expected| <= atol + rtol * |expected| elementwise (NaN equals NaN); integers,
 * bools and strings must be equal. The failure names the worst element.
 */
export function expectClose(actual: PlainTensor['data'], expected: PlainTensor['data'], tol: { rtol?: number; atol?: number } = {}): void {
  const rtol = tol.rtol ?? 1e-4;
  const atol = tol.atol ?? 1e-5;
  expect(actual.length, 'element count').toBe(expected.length);
  if (typeof expected[0] === 'string' || typeof expected[0] === 'bigint' || expected instanceof Uint8Array ||
      expected instanceof Int32Array || expected instanceof Int8Array || expected instanceof Int16Array ||
      expected instanceof Uint16Array || expected instanceof Uint32Array) {
    for (let i = 0; i < expected.length; i++) {
      if (actual[i] !== expected[i]) {
        throw new Error(`element ${i} differs: got ${String(actual[i])}, expected ${String(expected[i])}`);
      }
    }
    return;
  }
  let worst = -1;
  let worstExcess = 0;
  let maxAbs = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = Number(actual[i]);
    const e = Number(expected[i]);
    if (Number.isNaN(a) && Number.isNaN(e)) continue;
    if (a === e) continue; // also equal infinities
    const diff = Math.abs(a - e);
    maxAbs = Math.max(maxAbs, Number.isNaN(diff) ? Infinity : diff);
    const excess = diff / (atol + rtol * Math.abs(e));
    if (!(excess <= 1) && (worst < 0 || !(excess <= worstExcess))) {
      worst = i;
      worstExcess = Number.isNaN(excess) ? Infinity : excess;
    }
  }
  if (worst >= 0) {
    throw new Error(`values differ beyond rtol ${rtol} atol ${atol}: worst at ${worst}: got ${actual[worst]}, ` +
      `expected ${expected[worst]} (${worstExcess.toFixed(1)}x the tolerance; max abs diff ${maxAbs})`);
  }
}
