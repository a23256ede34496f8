/** Element types, named as in the JS API. The numeric codes are ONNX's TensorProto.DataType. */
export type DType =
  | 'float32' | 'float64' | 'float16' | 'bfloat16'
  | 'int8' | 'int16' | 'int32' | 'int64'
  | 'uint8' | 'uint16' | 'uint32' | 'uint64'
  | 'bool' | 'string';

/** The array type that holds a tensor's elements for each dtype. */
export interface DataTypeMap {
  float32: Float32Array;
  float64: Float64Array;
  /** IEEE half bits (a Float16Array is also accepted where Node has one). */
  float16: Uint16Array;
  /** bfloat16 bits: the upper 16 bits of a float32. */
  bfloat16: Uint16Array;
  int8: Int8Array;
  int16: Int16Array;
  int32: Int32Array;
  int64: BigInt64Array;
  uint8: Uint8Array;
  uint16: Uint16Array;
  uint32: Uint32Array;
  uint64: BigUint64Array;
  /** 0 = false, anything else = true. */
  bool: Uint8Array;
  string: string[];
}

export type TensorData = DataTypeMap[DType];

export const DTYPE_CODES: Readonly<Record<DType, number>> = {
  float32: 1, uint8: 2, int8: 3, uint16: 4, int16: 5, int32: 6, int64: 7, string: 8,
  bool: 9, float16: 10, float64: 11, uint32: 12, uint64: 13, bfloat16: 16,
};

const BY_CODE = new Map<number, DType>(
  Object.entries(DTYPE_CODES).map(([name, code]) => [code, name as DType]),
);

export const DTYPES: readonly DType[] = Object.keys(DTYPE_CODES) as DType[];

export function dtypeFromCode(code: number): DType | undefined {
  return BY_CODE.get(code);
}

export function isDType(x: unknown): x is DType {
  return typeof x === 'string' && Object.prototype.hasOwnProperty.call(DTYPE_CODES, x);
}

type TypedArrayCtor = { new (n: number): ArrayBufferView & ArrayLike<unknown>; name: string };

/** The typed array constructor used to hold each numeric dtype. */
export const ARRAY_TYPES: Readonly<Record<Exclude<DType, 'string'>, TypedArrayCtor>> = {
  float32: Float32Array, float64: Float64Array, float16: Uint16Array, bfloat16: Uint16Array,
  int8: Int8Array, int16: Int16Array, int32: Int32Array, int64: BigInt64Array,
  uint8: Uint8Array, uint16: Uint16Array, uint32: Uint32Array, uint64: BigUint64Array,
  bool: Uint8Array,
};
