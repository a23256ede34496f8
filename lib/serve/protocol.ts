// The Open Inference Protocol v2 (KServe v2 / Triton) REST codec: datatypes, the JSON tensor
// body (flat or nested `data`) and the binary tensor data extension, in both directions.
//
// Spec: https://kserve.github.io/website/latest/modelserving/data_plane/v2_protocol/ ("Inference
// Request JSON Object", "Tensor Data") and Triton's binary_tensor_data extension
// (docs/protocol/extension_binary_data.md): the body starts with the JSON header, whose length is
// given by the `Inference-Header-Content-Length` HTTP header; the raw bytes of each tensor with a
// `binary_data_size` parameter follow, in the order of the inputs (or outputs), row-major,
// little-endian; a BYTES element is a 4-byte little-endian length and that many bytes.
import { DType } from '../dtypes';
import type { TensorInfo } from '../network';
import { bfloat16ToFloat, floatToBfloat16, floatToHalf, halfToFloat, Tensor, TensorInput } from '../tensor';

/** The protocol's tensor datatypes. */
export type Datatype =
  | 'BOOL' | 'UINT8' | 'UINT16' | 'UINT32' | 'UINT64' | 'INT8' | 'INT16' | 'INT32' | 'INT64'
  | 'FP16' | 'FP32' | 'FP64' | 'BF16' | 'BYTES';

const TO_DATATYPE: Record<DType, Datatype> = {
  bool: 'BOOL', uint8: 'UINT8', uint16: 'UINT16', uint32: 'UINT32', uint64: 'UINT64',
  int8: 'INT8', int16: 'INT16', int32: 'INT32', int64: 'INT64',
  float16: 'FP16', float32: 'FP32', float64: 'FP64', bfloat16: 'BF16', string: 'BYTES',
};
const FROM_DATATYPE = Object.fromEntries(Object.entries(TO_DATATYPE).map(([d, t]) => [t, d])) as Record<Datatype, DType>;

/** Bytes per element in the binary extension (BYTES is length-prefixed, so 0 here). */
const ELEMENT_BYTES: Record<DType, number> = {
  bool: 1, uint8: 1, int8: 1, uint16: 2, int16: 2, float16: 2, bfloat16: 2,
  uint32: 4, int32: 4, float32: 4, uint64: 8, int64: 8, float64: 8, string: 0,
};

/** The protocol datatype of a liteinfer dtype (float32 -> 'FP32'). */
export function toDatatype(dtype: DType): Datatype {
  return TO_DATATYPE[dtype];
}

/** The liteinfer dtype of a protocol datatype, or undefined when the name is not one. */
export function fromDatatype(datatype: string): DType | undefined {
  return Object.prototype.hasOwnProperty.call(FROM_DATATYPE, datatype) ? FROM_DATATYPE[datatype as Datatype] : undefined;
}

/** A 4xx answer: `status` and a message naming the problem (sent as `{"error": message}`). */
export class RequestError extends Error {
  constructor(readonly status: number, message: string, readonly headers: Record<string, string> = {}) {
    super(message);
    this.name = 'RequestError';
  }
}

const bad = (message: string): never => {
  throw new RequestError(400, message);
};

/** A tensor's metadata as the protocol lists it: symbolic and unknown dims are -1. */
export interface TensorMetadata {
  name: string;
  datatype: Datatype;
  shape: number[];
}

/** Model input or output info as the protocol's metadata entry. */
export function tensorMetadata(info: TensorInfo): TensorMetadata {
  return {
    name: info.name,
    datatype: toDatatype(info.dtype),
    shape: info.shape ? info.shape.map((d) => (typeof d === 'number' ? d : -1)) : [-1],
  };
}

/** One entry of the request's `inputs`. */
export interface RequestInput {
  name: string;
  shape: number[];
  datatype: string;
  parameters?: { binary_data_size?: number; [k: string]: unknown };
  data?: unknown;
}

/** One entry of the request's `outputs`. */
export interface RequestOutput {
  name: string;
  parameters?: { binary_data?: boolean; [k: string]: unknown };
}

/** The JSON inference request (or the JSON header of a binary one). */
export interface InferRequestBody {
  id?: string;
  parameters?: { binary_data_output?: boolean; [k: string]: unknown };
  inputs: RequestInput[];
  outputs?: RequestOutput[];
}

/** A decoded request: feeds checked against the model, the outputs to compute and how to send them. */
export interface DecodedRequest {
  id?: string;
  feeds: Record<string, Tensor>;
  /** Outputs to return, in order (all of the model's when the request names none). */
  outputs: string[];
  /** Per output: send as raw bytes (binary extension). */
  binary: Record<string, boolean>;
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 20 ? v.slice(0, 20) + '…' : v)}`;
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`;
}

/** Row-major flattening of nested `data` arrays, checking each nesting level against the shape. */
function flatten(name: string, data: unknown[], shape: number[]): unknown[] {
  if (!data.some(Array.isArray)) return data;
  const out: unknown[] = [];
  const walk = (v: unknown[], depth: number): void => {
    if (depth < shape.length && v.length !== shape[depth]) {
      bad(`input '${name}': nested data has ${v.length} entries at depth ${depth} but the shape [${shape.join(', ')}] needs ${shape[depth]}`);
    }
    for (const x of v) {
      if (Array.isArray(x)) {
        if (depth + 1 >= shape.length) bad(`input '${name}': nested data is deeper than the shape [${shape.join(', ')}]`);
        walk(x, depth + 1);
      } else {
        if (depth + 1 < shape.length) bad(`input '${name}': nested data is shallower than the shape [${shape.join(', ')}] at depth ${depth + 1}`);
        out.push(x);
      }
    }
  };
  walk(data, 0);
  return out;
}

function elementError(name: string, i: number, v: unknown, expected: string): never {
  return bad(`input '${name}': data[${i}] is ${describeValue(v)}, expected ${expected}`);
}

const INT_LIMITS: Partial<Record<DType, [number, number]>> = {
  int8: [-128, 127], uint8: [0, 255], int16: [-32768, 32767], uint16: [0, 65535],
  int32: [-2147483648, 2147483647], uint32: [0, 4294967295],
};

/** JSON `data` (already flat) to the typed array of `dtype`, checking every element. */
function fromJsonData(name: string, dtype: DType, data: unknown[]): TensorInput<DType> {
  const n = data.length;
  switch (dtype) {
    case 'string': {
      data.forEach((v, i) => typeof v !== 'string' && elementError(name, i, v, 'a string (BYTES)'));
      return data as string[];
    }
    case 'bool': {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const v = data[i];
        if (typeof v === 'boolean') out[i] = v ? 1 : 0;
        else if (v === 0 || v === 1) out[i] = v;
        else elementError(name, i, v, 'true or false (BOOL)');
      }
      return out;
    }
    case 'int64': case 'uint64': {
      const out = dtype === 'int64' ? new BigInt64Array(n) : new BigUint64Array(n);
      for (let i = 0; i < n; i++) {
        const v = data[i];
        if (typeof v !== 'number' || !Number.isInteger(v) || (dtype === 'uint64' && v < 0)) {
          elementError(name, i, v, `an integer (${toDatatype(dtype)})`);
        }
        out[i] = BigInt(v as number);
      }
      return out;
    }
    case 'float16': case 'bfloat16': {
      const out = new Uint16Array(n);
      const conv = dtype === 'float16' ? floatToHalf : floatToBfloat16;
      for (let i = 0; i < n; i++) {
        const v = data[i];
        if (typeof v !== 'number') elementError(name, i, v, 'a number');
        out[i] = conv(v as number);
      }
      return out;
    }
    case 'float32': case 'float64': {
      const out = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const v = data[i];
        if (typeof v !== 'number') elementError(name, i, v, 'a number');
        out[i] = v as number;
      }
      return out;
    }
    default: {
      const [lo, hi] = INT_LIMITS[dtype]!;
      const Ctor = { int8: Int8Array, uint8: Uint8Array, int16: Int16Array, uint16: Uint16Array, int32: Int32Array, uint32: Uint32Array }[dtype as 'int8'];
      const out = new Ctor(n);
      for (let i = 0; i < n; i++) {
        const v = data[i];
        if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
          elementError(name, i, v, `an integer in [${lo}, ${hi}] (${toDatatype(dtype)})`);
        }
        out[i] = v as number;
      }
      return out;
    }
  }
}

/** Raw little-endian bytes to the typed array of `dtype` (copied, so the result is aligned). */
function fromBinary(name: string, dtype: DType, bytes: Uint8Array, count: number): TensorInput<DType> {
  if (dtype === 'string') {
    const out: string[] = [];
    let off = 0;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    while (off < bytes.length) {
      if (off + 4 > bytes.length) bad(`input '${name}': BYTES element ${out.length} has a truncated length prefix`);
      const len = view.getUint32(off, true);
      off += 4;
      if (off + len > bytes.length) bad(`input '${name}': BYTES element ${out.length} needs ${len} bytes, ${bytes.length - off} left`);
      out.push(Buffer.from(bytes.buffer, bytes.byteOffset + off, len).toString('utf8'));
      off += len;
    }
    if (out.length !== count) bad(`input '${name}': binary data holds ${out.length} BYTES elements but the shape needs ${count}`);
    return out;
  }
  const size = ELEMENT_BYTES[dtype];
  if (bytes.length !== count * size) {
    bad(`input '${name}': binary_data_size is ${bytes.length} bytes but shape and datatype need ${count} x ${size} = ${count * size}`);
  }
  // A copy (new Uint8Array(view) copies; Buffer#slice would not), so the typed array is aligned and owns its memory.
  const copy = new Uint8Array(bytes).buffer;
  switch (dtype) {
    case 'float32': return new Float32Array(copy);
    case 'float64': return new Float64Array(copy);
    case 'int64': return new BigInt64Array(copy);
    case 'uint64': return new BigUint64Array(copy);
    case 'int32': return new Int32Array(copy);
    case 'uint32': return new Uint32Array(copy);
    case 'int16': return new Int16Array(copy);
    case 'uint16': case 'float16': case 'bfloat16': return new Uint16Array(copy);
    case 'int8': return new Int8Array(copy);
    default: return new Uint8Array(copy); // uint8, bool
  }
}

/**
 * Checks a request against the model's inputs and outputs and builds the feeds.
 *
 * @param body the JSON request (or the JSON header of a binary request)
 * @param binary the bytes after the JSON header (binary extension), or null
 * @param inputs the model's inputs, outputs its outputs
 * @returns the feeds, the outputs to compute, and which to send as binary
 * @throws RequestError 400 naming the input and the problem (unknown, missing or duplicate input,
 *   wrong datatype, shape not matching the model, data length not matching the shape,
 *   non-numeric data, binary sizes that do not add up)
 */
export function decodeInferRequest(body: InferRequestBody, binary: Uint8Array | null,
  inputs: readonly TensorInfo[], outputs: readonly TensorInfo[]): DecodedRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) bad('the request body must be a JSON object');
  if (!Array.isArray(body.inputs)) bad("the request needs an 'inputs' array");
  if (body.id !== undefined && typeof body.id !== 'string') bad("'id' must be a string");
  const feeds: Record<string, Tensor> = {};
  let offset = 0;
  const names = inputs.map((i) => `'${i.name}'`).join(', ');
  for (const [k, input] of body.inputs.entries()) {
    if (typeof input !== 'object' || input === null) bad(`inputs[${k}] must be an object`);
    const { name, shape, datatype } = input;
    if (typeof name !== 'string') bad(`inputs[${k}] needs a string 'name'`);
    const info = inputs.find((i) => i.name === name);
    if (!info) bad(`unknown input '${name}' (the model's inputs: ${names})`);
    if (Object.prototype.hasOwnProperty.call(feeds, name)) bad(`input '${name}' is given twice`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      bad(`input '${name}': 'shape' must be an array of non-negative integers`);
    }
    const dtype = fromDatatype(datatype);
    if (!dtype) bad(`input '${name}': unknown datatype ${JSON.stringify(datatype)}`);
    if (dtype !== info!.dtype) {
      bad(`input '${name}': datatype ${datatype} does not match the model's ${toDatatype(info!.dtype)}`);
    }
    if (info!.shape) {
      const model = info!.shape;
      const fits = model.length === shape.length && model.every((d, i) => typeof d !== 'number' || d === shape[i]);
      if (!fits) {
        bad(`input '${name}': shape [${shape.join(', ')}] does not match the model's [${model.map((d) => (typeof d === 'number' ? d : -1)).join(', ')}] (-1: any size)`);
      }
    }
    const count = shape.reduce((a, b) => a * b, 1);
    const binarySize = input.parameters?.binary_data_size;
    let data: TensorInput<DType>;
    if (binarySize !== undefined) {
      if (!Number.isSafeInteger(binarySize) || binarySize < 0) bad(`input '${name}': binary_data_size must be a non-negative integer`);
      if (!binary) bad(`input '${name}' has binary_data_size but the request has no binary part (send the Inference-Header-Content-Length header)`);
      if (offset + binarySize > binary!.length) {
        bad(`input '${name}': binary_data_size ${binarySize} runs past the end of the binary data (${binary!.length - offset} bytes left)`);
      }
      if (input.data !== undefined) bad(`input '${name}' has both 'data' and binary_data_size`);
      data = fromBinary(name, dtype!, binary!.subarray(offset, offset + binarySize), count);
      offset += binarySize;
    } else {
      if (input.data === undefined) bad(`input '${name}' has no 'data' (nor a binary_data_size parameter)`);
      const raw = Array.isArray(input.data) ? flatten(name, input.data, shape) : [input.data];
      if (raw.length !== count) {
        bad(`input '${name}': data has ${raw.length} elements but shape [${shape.join(', ')}] needs ${count}`);
      }
      data = fromJsonData(name, dtype!, raw);
    }
    feeds[name] = new Tensor(dtype!, data, shape);
  }
  if (binary && offset !== binary.length) {
    bad(`the binary data has ${binary.length} bytes but the inputs' binary_data_size add up to ${offset}`);
  }
  const missing = inputs.filter((i) => !Object.prototype.hasOwnProperty.call(feeds, i.name)).map((i) => `'${i.name}'`);
  if (missing.length) bad(`missing input ${missing.join(', ')}`);

  const binaryAll = body.parameters?.binary_data_output === true;
  const wanted: string[] = [];
  const binaryOut: Record<string, boolean> = {};
  if (body.outputs !== undefined) {
    if (!Array.isArray(body.outputs)) bad("'outputs' must be an array");
    for (const [k, o] of body.outputs.entries()) {
      if (typeof o !== 'object' || o === null || typeof o.name !== 'string') bad(`outputs[${k}] needs a string 'name'`);
      if (!outputs.some((m) => m.name === o.name)) {
        bad(`unknown output '${o.name}' (the model's outputs: ${outputs.map((m) => `'${m.name}'`).join(', ')})`);
      }
      if (wanted.includes(o.name)) bad(`output '${o.name}' is requested twice`);
      wanted.push(o.name);
      binaryOut[o.name] = typeof o.parameters?.binary_data === 'boolean' ? o.parameters.binary_data : binaryAll;
    }
  }
  if (wanted.length === 0) {
    for (const m of outputs) {
      wanted.push(m.name);
      binaryOut[m.name] = binaryAll;
    }
  }
  return { id: body.id, feeds, outputs: wanted, binary: binaryOut };
}

/**
 * Splits a request body into the JSON header and the binary part (binary extension), parsing the
 * JSON. Without `headerLength` the whole body is JSON.
 *
 * @throws RequestError 400 for malformed JSON or a header length that does not fit the body
 */
export function splitBody(body: Buffer, headerLength: string | string[] | undefined): { json: unknown; binary: Buffer | null } {
  let jsonBytes = body;
  let binary: Buffer | null = null;
  if (headerLength !== undefined) {
    const text = Array.isArray(headerLength) ? headerLength[0] : headerLength;
    const n = Number(text);
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n > body.length) {
      bad(`Inference-Header-Content-Length is ${JSON.stringify(text)} but must be an integer from 0 to the body's ${body.length} bytes`);
    }
    jsonBytes = body.subarray(0, n);
    binary = body.subarray(n);
  }
  if (jsonBytes.length === 0) bad('the request body is empty (expected a JSON inference request)');
  try {
    return { json: JSON.parse(jsonBytes.toString('utf8')), binary };
  } catch (err) {
    return bad(`malformed JSON in the request body: ${(err as Error).message}`);
  }
}

/** One output in the JSON response. */
export interface ResponseOutput {
  name: string;
  datatype: Datatype;
  shape: number[];
  parameters?: { binary_data_size: number };
  data?: unknown[];
}

/** The response, ready to send: JSON alone, or a JSON header and binary parts. */
export interface EncodedResponse {
  /** application/json, or application/octet-stream with binary parts. */
  contentType: string;
  body: Buffer | string;
  /** The JSON header's byte length (set only when there are binary parts). */
  headerLength?: number;
}

function jsonData(t: Tensor): unknown[] {
  switch (t.dtype) {
    case 'bool': return Array.from(t.data as Uint8Array, (v) => v !== 0);
    case 'int64': case 'uint64': return Array.from(t.data as BigInt64Array, Number);
    case 'float16': return Array.from(t.data as Uint16Array, halfToFloat);
    case 'bfloat16': return Array.from(t.data as Uint16Array, bfloat16ToFloat);
    case 'string': return t.data as string[];
    default: return Array.from(t.data as Float32Array);
  }
}

function binaryData(t: Tensor): Buffer {
  if (t.dtype === 'string') {
    const parts: Buffer[] = [];
    for (const s of t.data as string[]) {
      const b = Buffer.from(s, 'utf8');
      const len = Buffer.alloc(4);
      len.writeUInt32LE(b.length);
      parts.push(len, b);
    }
    return Buffer.concat(parts);
  }
  const v = t.data as ArrayBufferView;
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

/**
 * Builds the inference response: `{ model_name, model_version, id, outputs }`, each output as JSON
 * `data` or, when asked, as raw bytes after the JSON header (binary extension).
 */
export function encodeInferResponse(model: string, version: string, request: DecodedRequest,
  results: Record<string, Tensor>): EncodedResponse {
  const outputs: ResponseOutput[] = [];
  const parts: Buffer[] = [];
  for (const name of request.outputs) {
    const t = results[name];
    const entry: ResponseOutput = { name, datatype: toDatatype(t.dtype), shape: [...t.shape] };
    if (request.binary[name]) {
      const bytes = binaryData(t);
      entry.parameters = { binary_data_size: bytes.length };
      parts.push(bytes);
    } else {
      entry.data = jsonData(t);
    }
    outputs.push(entry);
  }
  const json = JSON.stringify({ model_name: model, model_version: version, ...(request.id !== undefined ? { id: request.id } : {}), outputs });
  if (parts.length === 0) return { contentType: 'application/json; charset=utf-8', body: json };
  const header = Buffer.from(json, 'utf8');
  return { contentType: 'application/octet-stream', body: Buffer.concat([header, ...parts]), headerLength: header.length };
}
