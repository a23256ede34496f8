// A minimal protobuf writer: just what the ONNX graph builder needs (varints, length-delimited
// fields, packed repeated scalars, fixed32 floats). No protobuf library.
//
// Wire format (https://protobuf.dev/programming-guides/encoding/): every field is a key
// varint((field << 3) | wire type) and a payload; wire 0 = varint, 2 = length-delimited,
// 5 = fixed32. int64 fields holding negative numbers are 10-byte two's complement varints.
// Field numbers are in builder.ts, next to where they are written (from onnx/onnx.proto3).

/** Wire types used here. */
export const WIRE = { VARINT: 0, FIXED64: 1, LEN: 2, FIXED32: 5 } as const;

export class ProtoWriter {
  // Small scalars go to `pending`; byte payloads are kept by reference in `parts`, so a large
  // raw_data block is copied once, in finish().
  private pending: number[] = [];
  private parts: Uint8Array[] = [];
  private size = 0;

  private flush(): void {
    if (this.pending.length) {
      this.parts.push(Uint8Array.from(this.pending));
      this.size += this.pending.length;
      this.pending = [];
    }
  }

  /** Bytes written so far. */
  get length(): number {
    return this.size + this.pending.length;
  }

  /** An unsigned varint; a negative or bigint value is taken as its 64-bit two's complement. */
  varint(v: number | bigint): this {
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0x7fffffff) {
      let x = v;
      while (x >= 0x80) {
        this.pending.push((x & 0x7f) | 0x80);
        x >>>= 7;
      }
      this.pending.push(x);
      return this;
    }
    if (typeof v === 'number' && !Number.isInteger(v)) throw new RangeError(`varint: ${v} is not an integer`);
    let x = BigInt.asUintN(64, BigInt(v));
    while (x >= 0x80n) {
      this.pending.push(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    this.pending.push(Number(x));
    return this;
  }

  key(field: number, wire: number): this {
    return this.varint(field * 8 + wire);
  }

  /** int32 / int64 / enum / bool field. */
  int(field: number, v: number | bigint): this {
    return this.key(field, WIRE.VARINT).varint(v);
  }

  /** float field (fixed32, little-endian). */
  float(field: number, v: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    return this.key(field, WIRE.FIXED32).raw(b);
  }

  /** bytes field. */
  bytes(field: number, data: Uint8Array): this {
    return this.key(field, WIRE.LEN).varint(data.length).raw(data);
  }

  /** string field, UTF-8. */
  string(field: number, s: string): this {
    return this.bytes(field, utf8(s));
  }

  /** Embedded message field. */
  message(field: number, m: ProtoWriter): this {
    return this.bytes(field, m.finish());
  }

  /** Packed repeated int64 (varints). */
  packedInts(field: number, values: ReadonlyArray<number | bigint>): this {
    const w = new ProtoWriter();
    for (const v of values) w.varint(v);
    return this.bytes(field, w.finish());
  }

  /** Packed repeated float (fixed32). */
  packedFloats(field: number, values: ReadonlyArray<number>): this {
    const b = new Uint8Array(values.length * 4);
    const dv = new DataView(b.buffer);
    values.forEach((v, i) => dv.setFloat32(i * 4, v, true));
    return this.bytes(field, b);
  }

  finish(): Uint8Array {
    this.flush();
    if (this.parts.length === 1) return this.parts[0];
    const out = new Uint8Array(this.size);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }

  private raw(b: Uint8Array): this {
    this.flush();
    this.parts.push(b);
    this.size += b.length;
    return this;
  }
}

const encoder = new TextEncoder();
export function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}
