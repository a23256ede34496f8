// Inputs for bench and inspect: concrete shapes (symbolic dims from --shape or 1) and data.
import { DType } from '../dtypes';
import { LiteinferError } from '../errors';
import type { Feeds, Network, TensorInfo } from '../network';
import { Tensor, TensorInput } from '../tensor';

/** Parses repeated `--shape name=1,3,224,224` options. */
export function parseShapes(specs: string[] | undefined): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const spec of specs ?? []) {
    const m = /^([^=]+)=([\d,x ]+)$/.exec(spec);
    if (!m) throw new LiteinferError('INVALID_ARGUMENT', `--shape expects name=d0,d1,... but got '${spec}'`);
    out[m[1]] = m[2].split(/[,x]/).map((d) => Number(d.trim()));
  }
  return out;
}

export function concreteShape(info: TensorInfo, overrides: Record<string, number[]>): number[] {
  const given = overrides[info.name];
  if (given) return given;
  if (!info.shape) {
    throw new LiteinferError('INVALID_ARGUMENT', `input '${info.name}' has no declared shape: give one with --shape ${info.name}=...`);
  }
  return info.shape.map((d) => (typeof d === 'number' ? d : 1));
}

/** Deterministic pseudo-random inputs in [-1, 1) (ints: small non-negative values). */
export function randomFeeds(net: Network, overrides: Record<string, number[]> = {}, seed = 1): Feeds {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
  const feeds: Feeds = {};
  for (const info of net.inputs) {
    const shape = concreteShape(info, overrides);
    const n = shape.reduce((a, b) => a * b, 1);
    feeds[info.name] = new Tensor(info.dtype, makeData(info.dtype, n, next) as TensorInput<DType>, shape);
  }
  return feeds;
}

function makeData(dtype: DType, n: number, next: () => number): unknown {
  switch (dtype) {
    case 'float32': return Float32Array.from({ length: n }, () => next() * 2 - 1);
    case 'float64': return Float64Array.from({ length: n }, () => next() * 2 - 1);
    case 'int64': return BigInt64Array.from({ length: n }, () => BigInt(Math.floor(next() * 4)));
    case 'uint64': return BigUint64Array.from({ length: n }, () => BigInt(Math.floor(next() * 4)));
    case 'int32': return Int32Array.from({ length: n }, () => Math.floor(next() * 4));
    case 'bool': return Uint8Array.from({ length: n }, () => (next() < 0.5 ? 1 : 0));
    case 'string': return Array.from({ length: n }, () => 'a');
    case 'float16': return Uint16Array.from({ length: n }, () => 0x3c00); // 1.0
    case 'bfloat16': return Uint16Array.from({ length: n }, () => 0x3f80); // 1.0
    case 'int8': return Int8Array.from({ length: n }, () => Math.floor(next() * 4));
    case 'int16': return Int16Array.from({ length: n }, () => Math.floor(next() * 4));
    case 'uint8': return Uint8Array.from({ length: n }, () => Math.floor(next() * 4));
    case 'uint16': return Uint16Array.from({ length: n }, () => Math.floor(next() * 4));
    case 'uint32': return Uint32Array.from({ length: n }, () => Math.floor(next() * 4));
  }
}
