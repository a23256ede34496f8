// NumPy .npy files (format version 1.0-3.0): read into a Tensor, write a Tensor.
// Spec: numpy.lib.format ("magic string, version, header length, then a Python dict literal").
import { DType } from './dtypes';
import { LiteinferError } from './errors';
import { Tensor, TensorInput } from './tensor';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

const DESCR_TO_DTYPE: Record<string, DType> = {
  f4: 'float32', f8: 'float64', f2: 'float16', i1: 'int8', i2: 'int16', i4: 'int32', i8: 'int64',
  u1: 'uint8', u2: 'uint16', u4: 'uint32', u8: 'uint64', b1: 'bool',
};
const DTYPE_TO_DESCR: Partial<Record<DType, string>> = Object.fromEntries(
  Object.entries(DESCR_TO_DTYPE).map(([d, t]) => [t, d]),
);

/** Parses a .npy file's bytes. Little-endian, C order, numeric and bool dtypes. */
export function readNpy(bytes: Uint8Array, what = 'npy'): Tensor {
  const bad = (why: string): never => {
    throw new LiteinferError('INVALID_ARGUMENT', `${what}: not a supported .npy file (${why})`);
  };
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) bad('missing the \\x93NUMPY magic');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (start + headerLen > bytes.length) bad('truncated header');
  const header = Buffer.from(bytes.buffer, bytes.byteOffset + start, headerLen).toString('latin1');
  const descr = /'descr':\s*'([<>|=])([a-z]\d+)'/.exec(header);
  const order = /'fortran_order':\s*(True|False)/.exec(header);
  const shapeMatch = /'shape':\s*\(([^)]*)\)/.exec(header);
  if (!descr || !order || !shapeMatch) return bad(`unreadable header ${JSON.stringify(header)}`);
  if (descr[1] === '>') bad('big-endian data');
  if (order[1] === 'True') bad('Fortran order');
  const dtype = DESCR_TO_DTYPE[descr[2]] ?? bad(`dtype ${descr[2]}`);
  const shape = shapeMatch[1].split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const dataStart = start + headerLen;
  const elem = { float16: 2, float32: 4, float64: 8, int8: 1, int16: 2, int32: 4, int64: 8, uint8: 1, uint16: 2,
    uint32: 4, uint64: 8, bool: 1 }[dtype as string] as number;
  if (bytes.length - dataStart < count * elem) bad(`data holds ${bytes.length - dataStart} bytes, the shape needs ${count * elem}`);
  // Copy to an aligned buffer of its own.
  // A copy (Buffer#slice would share memory), so the typed array starts at offset 0 and is aligned.
  const raw = new Uint8Array(count * elem);
  raw.set(bytes.subarray(dataStart, dataStart + count * elem));
  const ctor = {
    float16: Uint16Array, float32: Float32Array, float64: Float64Array, int8: Int8Array, int16: Int16Array,
    int32: Int32Array, int64: BigInt64Array, uint8: Uint8Array, uint16: Uint16Array, uint32: Uint32Array,
    uint64: BigUint64Array, bool: Uint8Array,
  }[dtype as string] as unknown as { new (b: ArrayBuffer, o: number, n: number): unknown };
  return new Tensor(dtype, new ctor(raw.buffer, 0, count) as TensorInput<DType>, shape);
}

/** Encodes a tensor as a version 1.0 .npy file. */
export function writeNpy(t: Tensor): Uint8Array {
  const descr = DTYPE_TO_DESCR[t.dtype];
  if (!descr) throw new LiteinferError('INVALID_ARGUMENT', `cannot write dtype ${t.dtype} to .npy`);
  const shape = t.shape.length === 1 ? `(${t.shape[0]},)` : `(${t.shape.join(', ')})`;
  let header = `{'descr': '${descr === 'b1' ? '|' : descr.endsWith('1') ? '|' : '<'}${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const data = t.data as ArrayBufferView;
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(Buffer.from(header, 'latin1'), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}
