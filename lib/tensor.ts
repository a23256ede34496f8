import { ARRAY_TYPES, DataTypeMap, DType, isDType } from './dtypes';
import { describe, invalidArgument, LiteinferError } from './errors';

type Float16ArrayLike = ArrayBufferView & { readonly length: number };

/** What the constructor accepts for a dtype: its typed array, or plain values to convert. */
export type TensorInput<T extends DType> =
  | DataTypeMap[T]
  | (T extends 'string' ? string[]
    : T extends 'int64' | 'uint64' ? ArrayLike<bigint | number>
    : T extends 'bool' ? ArrayLike<boolean | number>
    : T extends 'float16' ? ArrayLike<number> | Float16ArrayLike
    : ArrayLike<number>);

/**
 * An n-dimensional array: a dtype, a row-major `data` array and a `shape`.
 *
 * @example
 * const t = new Tensor('float32', new Float32Array([1, 2, 3, 4]), [2, 2]);
 * t.size;   // 4
 */
export class Tensor<T extends DType = DType> {
  /** The element type. */
  readonly dtype: T;
  /** The elements, row-major. */
  readonly data: DataTypeMap[T];
  /** The dimensions; `[]` for a scalar. */
  readonly shape: readonly number[];

  /**
   * @param dtype one of the {@link DType} names
   * @param data the matching typed array (used as is, not copied), or plain values to convert
   * @param shape the dimensions; defaults to `[data.length]`
   * @throws LiteinferError INVALID_ARGUMENT when the dtype is unknown, the data's type does not
   *   match the dtype, or the shape does not match the data's length
   */
  constructor(dtype: T, data: TensorInput<T>, shape?: readonly number[]) {
    if (!isDType(dtype)) invalidArgument('dtype', `one of float32, float64, float16, bfloat16, int8, int16, int32, int64, uint8, uint16, uint32, uint64, bool, string`, dtype);
    this.dtype = dtype;
    this.data = toData(dtype, data);
    const length = (this.data as ArrayLike<unknown>).length;
    if (shape === undefined) {
      this.shape = Object.freeze([length]);
    } else {
      if (!Array.isArray(shape)) invalidArgument('shape', 'an array of non-negative integers', shape);
      shape.forEach((d, i) => {
        if (!Number.isSafeInteger(d) || d < 0) invalidArgument(`shape[${i}]`, 'a non-negative integer', d);
      });
      const size = shape.reduce((a, b) => a * b, 1);
      if (size !== length) {
        throw new LiteinferError('INVALID_ARGUMENT',
          `Shape [${shape.join(', ')}] needs ${size} elements but the ${dtype} data has ${length}`);
      }
      this.shape = Object.freeze([...shape]);
    }
  }

  /** Number of elements. */
  get size(): number {
    return (this.data as ArrayLike<unknown>).length;
  }

  /** Number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }

  /** A new tensor sharing this tensor's data under another shape of the same size. */
  reshape(shape: readonly number[]): Tensor<T> {
    return new Tensor(this.dtype, this.data as TensorInput<T>, shape);
  }

  /** The elements as plain JS values (numbers, bigints for 64-bit ints, booleans, strings). */
  toArray(): Array<number | bigint | boolean | string> {
    if (this.dtype === 'bool') return Array.from(this.data as Uint8Array, (v) => v !== 0);
    return Array.from(this.data as ArrayLike<number | bigint | string>);
  }

  toString(): string {
    return `Tensor<${this.dtype}>[${this.shape.join(', ')}]`;
  }
}

function toData<T extends DType>(dtype: T, data: unknown): DataTypeMap[T] {
  if (dtype === 'string') {
    if (!Array.isArray(data) || !data.every((s) => typeof s === 'string')) {
      invalidArgument('data', 'an array of strings for dtype string', data);
    }
    return data as DataTypeMap[T];
  }
  const ctor = ARRAY_TYPES[dtype as Exclude<DType, 'string'>];
  if (data instanceof ctor) return data as DataTypeMap[T];
  // Float16Array (Node >= 24 or a polyfill): keep the bits.
  if (dtype === 'float16' && ArrayBuffer.isView(data) && data.constructor.name === 'Float16Array') {
    const view = data as Float16ArrayLike;
    return new Uint16Array(view.buffer, view.byteOffset, view.length) as DataTypeMap[T];
  }
  if (dtype === 'bool' && Array.isArray(data)) {
    return Uint8Array.from(data, (v) => (v ? 1 : 0)) as DataTypeMap[T];
  }
  if (Array.isArray(data)) {
    if (dtype === 'int64' || dtype === 'uint64') {
      const out = new ctor(data.length) as BigInt64Array | BigUint64Array;
      data.forEach((v, i) => {
        if (typeof v !== 'bigint' && !Number.isInteger(v)) invalidArgument(`data[${i}]`, `an integer or bigint for dtype ${dtype}`, v);
        out[i] = BigInt(v);
      });
      return out as DataTypeMap[T];
    }
    if (dtype === 'float16' || dtype === 'bfloat16') {
      const out = new Uint16Array(data.length);
      data.forEach((v, i) => {
        if (typeof v !== 'number') invalidArgument(`data[${i}]`, 'a number', v);
        out[i] = dtype === 'float16' ? floatToHalf(v) : floatToBfloat16(v);
      });
      return out as DataTypeMap[T];
    }
    data.forEach((v, i) => {
      if (typeof v !== 'number') invalidArgument(`data[${i}]`, `a number for dtype ${dtype}`, v);
    });
    return (ctor as unknown as { from(a: ArrayLike<number>): DataTypeMap[T] }).from(data);
  }
  throw new LiteinferError('INVALID_ARGUMENT',
    `Expected a ${ctor.name} (or an array of values) for dtype ${dtype} but received ${describe(data)}`);
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Rounds a number to IEEE half precision bits (round to nearest even). */
export function floatToHalf(v: number): number {
  f32[0] = v;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const abs = x & 0x7fffffff;
  if (abs >= 0x7f800000) return sign | 0x7c00 | (abs > 0x7f800000 ? 0x200 : 0);
  if (abs >= 0x477ff000) return sign | 0x7c00;
  if (abs < 0x38800000) {
    if (abs < 0x33000000) return sign;
    const e = abs >>> 23;
    const m = (abs & 0x7fffff) | 0x800000;
    const shift = 126 - e;
    let h = m >>> shift;
    const rem = m & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rem > half || (rem === half && (h & 1))) h++;
    return sign | h;
  }
  const r = abs + 0xfff + ((abs >>> 13) & 1);
  return sign | ((r - 0x38000000) >>> 13);
}

/** Converts IEEE half bits to a number. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 31) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** Rounds a number to bfloat16 bits (round to nearest even). */
export function floatToBfloat16(v: number): number {
  f32[0] = v;
  const x = u32[0];
  if ((x & 0x7fffffff) > 0x7f800000) return (x >>> 16) | 0x40;
  return ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff;
}

/** Converts bfloat16 bits to a number. */
export function bfloat16ToFloat(b: number): number {
  u32[0] = b << 16;
  return f32[0];
}
