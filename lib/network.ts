import * as fs from 'node:fs';
import * as path from 'node:path';

import { binding, NativeIoInfo, NativeMemoryInfo, NativeNetwork, NativeStats, NativeTensor, NativeValue } from './binding';
import { DataTypeMap, DType, DTYPE_CODES, dtypeFromCode } from './dtypes';
import { describe, fromNative, invalidArgument, LiteinferError } from './errors';
import type { ProfileEvent } from './profile';
import { Tensor, TensorInput } from './tensor';

/** Options for {@link Network.load}. */
export interface LoadOptions {
  /** Threads for one run (intra-op). Default: the machine's logical cores. */
  threads?: number;
  /** Fail planning when a run would need a bigger memory arena than this (bytes). */
  maxMemoryBytes?: number;
  /**
   * Folder that external-data files are read from when the model is given as bytes.
   * (A model loaded from a path uses its own folder.) Without it, bytes cannot read files.
   */
  baseDir?: string;
}

/**
 * A run() whose last run with the same feed shapes took less than this (ms) runs inline on the
 * calling thread when no other run is pending: handing it to the run thread and back costs 15-20 us
 * (two thread wake-ups), more than such a run itself, so the event loop is held for less than
 * the hop would take. Longer runs always go to the run thread.
 */
const INLINE_RUN_MS = 0.05;

/** What a run's time depends on: the feeds' shapes and the outputs asked for (null: not tensors). */
function runKey(feeds: NativeValue[], outputs: string[]): string | null {
  let key = outputs.join(',');
  for (const f of feeds) {
    if (!('shape' in f) || !Array.isArray(f.shape)) return null;  // a malformed Tensor: the addon names it
    key += `;${f.name}:${f.shape.join('x')}`;
  }
  return key;
}

/** Options for {@link Network.run}. */
export interface RunOptions {
  /** Compute only these outputs (and only the nodes they need). Default: all outputs. */
  outputs?: readonly string[];
  /** Aborting rejects the run with code ABORTED if it has not started yet. */
  signal?: AbortSignal;
}

/** A model input or output: a symbolic dim is its name (a string); an unknown one is '?'. */
export interface TensorInfo {
  readonly name: string;
  /** For a sequence or an optional: the dtype of its tensors. */
  readonly dtype: DType;
  /** null when the model does not declare the rank (always for sequences and optionals). */
  readonly shape: ReadonlyArray<number | string> | null;
  /**
   * Present only when the value is not a tensor: 'sequence' (fed and returned as an array of
   * Tensors of one dtype) or 'optional' (a Tensor, or an array for an optional sequence, or
   * null when absent).
   */
  readonly kind?: 'sequence' | 'optional';
  /** For an optional: what it holds when present. */
  readonly elementKind?: 'tensor' | 'sequence';
}

/**
 * Any value a model takes or gives: a tensor, a sequence (an array of Tensors of one dtype),
 * or an optional (one of those, or null when absent).
 */
export type Value = Tensor | Tensor[] | null;

/** The memory a Network uses, from its most recent plan. */
export interface MemoryInfo {
  /** The planned arena that all intermediate tensors of one run share, in bytes. */
  arenaBytes: number;
  /** What those intermediates would take without sharing, in bytes. */
  intermediateBytes: number;
  /** Constant data (weights after folding and packing inputs), in bytes. */
  weightsBytes: number;
  /** Input-shape signatures planned so far. */
  plansCached: number;
}

/** One value per model input, by name: a Tensor, or for sequence and optional inputs see {@link Value}. */
export type Feeds = Record<string, Value>;
/**
 * The outputs by name. Typed as Tensors, which tensor outputs are; a sequence output is a
 * Tensor[] and an optional one may be null: name those types with `run<{ seq: Tensor[] }>()`.
 */
export type Outputs = Record<string, Tensor>;

const KIND_NAMES = { 1: 'sequence', 2: 'optional' } as const;

function toInfo(io: NativeIoInfo): TensorInfo {
  const info: { -readonly [K in keyof TensorInfo]: TensorInfo[K] } = {
    name: io.name,
    dtype: (dtypeFromCode(io.dtype) ?? 'undefined') as DType,
    shape: io.shape ? Object.freeze(io.shape.map((d) => (d === null ? '?' : d))) : null,
  };
  if (io.kind === 1 || io.kind === 2) info.kind = KIND_NAMES[io.kind];
  if (io.kind === 2) info.elementKind = io.elementKind === 1 ? 'sequence' : 'tensor';
  return Object.freeze(info);
}

function fromNativeValue(v: NativeValue): Value {
  if ('kind' in v && v.kind === 1) return v.items.map((t) => fromNativeValue(t) as Tensor);
  if ('kind' in v && v.kind === 2) return v.items.length ? fromNativeValue(v.items[0]) : null;
  const t = v as NativeTensor;
  const dtype = dtypeFromCode(t.dtype);
  if (!dtype) throw new LiteinferError('INTERNAL', `output '${t.name}' has an unknown dtype code ${t.dtype}`);
  return new Tensor(dtype, t.data as TensorInput<DType>, t.shape);
}

function toNativeTensor(name: string, t: Tensor): NativeTensor {
  return { name, dtype: DTYPE_CODES[t.dtype], shape: t.shape as number[], data: t.data as NativeTensor['data'] };
}

function validateOptions(options: LoadOptions | undefined): LoadOptions {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null) invalidArgument('options', 'an object', options);
  const { threads, maxMemoryBytes, baseDir } = options;
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1 || threads > 1024)) {
    invalidArgument('options.threads', 'an integer between 1 and 1024', threads);
  }
  if (maxMemoryBytes !== undefined && (!Number.isSafeInteger(maxMemoryBytes) || maxMemoryBytes < 1)) {
    invalidArgument('options.maxMemoryBytes', 'a positive integer', maxMemoryBytes);
  }
  if (baseDir !== undefined && typeof baseDir !== 'string') invalidArgument('options.baseDir', 'a string', baseDir);
  return { threads, maxMemoryBytes, baseDir: baseDir === undefined ? undefined : path.resolve(baseDir) };
}

function validateSource(source: unknown): string | Uint8Array {
  if (typeof source === 'string') {
    if (source.length === 0) invalidArgument('model', 'a path or the model bytes', source);
    return path.resolve(source);
  }
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  return invalidArgument('model', 'a path (string) or the model bytes (Uint8Array)', source);
}

/**
 * A loaded ONNX model, ready to run.
 *
 * @example
 * import { Network, Tensor } from 'liteinfer';
 * const net = await Network.load('model.onnx', { threads: 2 });
 * const out = await net.run({ input: new Tensor('float32', new Float32Array(3 * 224 * 224), [1, 3, 224, 224]) });
 * net.dispose();
 */
export class Network {
  #native: NativeNetwork | null;
  /** Async runs handed to the run thread and not yet settled. */
  #pending = 0;
  /** Feed shapes (and outputs asked for) whose last run took under INLINE_RUN_MS. */
  #quick = new Set<string>();
  /** The model's inputs (excluding constants). */
  readonly inputs: readonly TensorInfo[];
  /** The model's outputs. */
  readonly outputs: readonly TensorInfo[];

  private constructor(native: NativeNetwork) {
    this.#native = native;
    this.inputs = Object.freeze(native.inputs().map(toInfo));
    this.outputs = Object.freeze(native.outputs().map(toInfo));
  }

  /**
   * Loads an ONNX model from a path or from its bytes. Parsing, optimization and weight
   * packing run off the JS thread.
   *
   * @param model a file path, or the model's bytes
   * @param options threads, maxMemoryBytes, baseDir
   * @returns the loaded Network
   * @throws LiteinferError INVALID_MODEL (malformed file), UNSUPPORTED_OP (names the op, node
   *   and opset), INVALID_ARGUMENT (bad options), OUT_OF_MEMORY
   * @example
   * const net = await Network.load('resnet18.onnx', { threads: 2 });
   */
  static async load(model: string | Uint8Array | ArrayBuffer, options?: LoadOptions): Promise<Network> {
    const holder = new Error();
    const source = validateSource(model);
    const opts = validateOptions(options);
    if (typeof source === 'string' && !fs.existsSync(source)) {
      throw new LiteinferError('INVALID_ARGUMENT', `model file not found: ${source}`);
    }
    try {
      return new Network(await binding().load(source, opts));
    } catch (err) {
      throw fromNative(err, holder);
    }
  }

  /** {@link Network.load}, blocking the JS thread. */
  static loadSync(model: string | Uint8Array | ArrayBuffer, options?: LoadOptions): Network {
    const source = validateSource(model);
    const opts = validateOptions(options);
    if (typeof source === 'string' && !fs.existsSync(source)) {
      throw new LiteinferError('INVALID_ARGUMENT', `model file not found: ${source}`);
    }
    try {
      return new Network(binding().loadSync(source, opts));
    } catch (err) {
      throw fromNative(err);
    }
  }

  /** True after {@link Network.dispose}. */
  get disposed(): boolean {
    return this.#native === null;
  }

  /** Threads one run uses. */
  get threads(): number {
    return this.#nativeOrThrow().threads();
  }

  /**
   * Runs the model off the JS thread. The inputs' data is copied when run() is called, so the
   * caller may reuse its arrays at once. Runs on one Network execute one at a time, in order.
   * A run whose last run with the same input shapes took under 50 us (a tiny MLP) runs inline
   * instead, when no other run is pending: the hop to the run thread and back would cost more.
   *
   * @param feeds one Tensor per model input, by name (a Tensor[] for a sequence input; null
   *   for an absent optional)
   * @param options outputs to compute, an AbortSignal
   * @returns the outputs by name
   * @throws LiteinferError INVALID_INPUT (unknown or missing input, wrong dtype or shape),
   *   INVALID_ARGUMENT, DISPOSED, ABORTED
   * @example
   * const { output } = await net.run({ input: new Tensor('float32', pixels, [1, 3, 224, 224]) });
   */
  async run<O extends Record<string, Value> = Outputs>(feeds: Feeds, options?: RunOptions): Promise<O> {
    const holder = new Error();
    const native = this.#nativeOrThrow();
    const signal = options?.signal;
    if (signal !== undefined && !(signal instanceof AbortSignal)) invalidArgument('options.signal', 'an AbortSignal', signal);
    if (signal?.aborted) throw new LiteinferError('ABORTED', 'the run was aborted before it started');
    const [nativeFeeds, names] = this.#prepare(feeds, options);
    const key = runKey(nativeFeeds, names);
    const t0 = performance.now();
    if (key !== null && this.#pending === 0 && this.#quick.has(key)) {
      try {
        return this.#collect(native.runSync(nativeFeeds, names)) as O;
      } catch (err) {
        throw fromNative(err, holder);
      } finally {
        if (performance.now() - t0 >= INLINE_RUN_MS) this.#quick.delete(key);
      }
    }
    // The results carry the run's own time (runMs), without the hops between threads.
    let handle: { promise: Promise<NativeValue[] & { runMs?: number }>; id: number };
    try {
      handle = native.run(nativeFeeds, names) as unknown as typeof handle;
    } catch (err) {
      throw fromNative(err, holder);
    }
    const onAbort = () => native.cancel(handle.id);
    signal?.addEventListener('abort', onAbort, { once: true });
    this.#pending++;
    try {
      const results = await handle.promise;
      if (key !== null && (results.runMs ?? Infinity) < INLINE_RUN_MS) {
        if (this.#quick.size >= 64) this.#quick.clear();  // bounded for models fed ever new shapes
        this.#quick.add(key);
      }
      return this.#collect(results) as O;
    } catch (err) {
      throw fromNative(err, holder);
    } finally {
      this.#pending--;
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** {@link Network.run}, blocking the JS thread. */
  runSync<O extends Record<string, Value> = Outputs>(feeds: Feeds, options?: Omit<RunOptions, 'signal'>): O {
    const native = this.#nativeOrThrow();
    const [nativeFeeds, names] = this.#prepare(feeds, options);
    try {
      return this.#collect(native.runSync(nativeFeeds, names)) as O;
    } catch (err) {
      throw fromNative(err);
    }
  }

  /** The memory plan of the most recent run (or of `feeds`' shapes when given, without running). */
  memoryInfo(feeds?: Feeds): MemoryInfo {
    const native = this.#nativeOrThrow();
    try {
      return feeds ? native.planMemory(this.#prepare(feeds, undefined)[0]) : native.memoryInfo();
    } catch (err) {
      throw fromNative(err);
    }
  }

  /**
   * A second Network over the same loaded model: the weights (as packed for the kernels) are
   * shared, one copy in memory for any number of clones; each clone has its own thread pool and
   * working memory, so clones run at the same time (a server's instances). Disposing one does not
   * affect the others; the weights are freed with the last of them.
   *
   * @param options threads for the clone (default: the same as this Network)
   * @example
   * const second = net.clone({ threads: 1 });
   */
  clone(options?: { threads?: number }): Network {
    if (options !== undefined && (typeof options !== 'object' || options === null)) {
      invalidArgument('options', 'an object', options);
    }
    const threads = options?.threads;
    if (threads !== undefined && (!Number.isInteger(threads) || threads < 1 || threads > 1024)) {
      invalidArgument('options.threads', 'an integer between 1 and 1024', threads);
    }
    const native = this.#nativeOrThrow();
    try {
      return new Network(native.clone(threads ?? 0));
    } catch (err) {
      throw fromNative(err);
    }
  }

  /**
   * Starts recording each node's wall and CPU time in the following runs (costs two clock reads
   * per node). See {@link Network.stopProfiling}, and `summarizeProfile` / `toChromeTrace`.
   */
  startProfiling(): void {
    this.#nativeOrThrow().setProfiling(true);
  }

  /** Stops profiling and returns the events recorded since {@link Network.startProfiling}. */
  stopProfiling(): ProfileEvent[] {
    const native = this.#nativeOrThrow();
    native.setProfiling(false);
    return native.takeProfile();
  }

  /** Model facts: opsets, op counts after optimization, parameter count, producer. */
  stats(): NativeStats {
    return this.#nativeOrThrow().stats();
  }

  /**
   * Frees the native memory now. A run in flight finishes; queued runs reject with DISPOSED;
   * any later call throws DISPOSED. Safe to call twice.
   */
  dispose(): void {
    this.#native?.dispose();
    this.#native = null;
  }

  /** `using net = await Network.load(...)` disposes at the end of the scope. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  #nativeOrThrow(): NativeNetwork & { cancel(id: number): boolean } {
    if (!this.#native) throw new LiteinferError('DISPOSED', 'this Network has been disposed');
    return this.#native as NativeNetwork & { cancel(id: number): boolean };
  }

  /** One feed as the addon takes it, checked against the input's kind (tensor unless declared). */
  #toNative(name: string, v: unknown): NativeValue {
    const info = this.inputs.find((i) => i.name === name);
    const kind = info?.kind;
    const inner = kind === 'optional' ? info!.elementKind : kind;
    const dtype = info && info.dtype !== ('undefined' as DType) ? DTYPE_CODES[info.dtype] : 0;
    const wrap = (value: NativeValue | null): NativeValue =>
      kind === 'optional' ? { name, kind: 2, dtype, items: value ? [value] : [] } : value!;
    if (v === null && kind === 'optional') return wrap(null);
    if (inner === 'sequence') {
      if (!Array.isArray(v)) {
        throw new LiteinferError('INVALID_INPUT', `input '${name}': expected an array of Tensors (the input is a ` +
          `${kind === 'optional' ? 'optional sequence, or null' : 'sequence'}) but received ${describe(v)}`);
      }
      v.forEach((t, i) => {
        if (!(t instanceof Tensor)) {
          throw new LiteinferError('INVALID_INPUT', `input '${name}': element ${i} must be a Tensor but is ${describe(t)}`);
        }
      });
      const items = (v as Tensor[]).map((t) => toNativeTensor(name, t));
      return wrap({ name, kind: 1, dtype: items.length ? items[0].dtype : dtype, items });
    }
    if (!(v instanceof Tensor)) {
      throw new LiteinferError('INVALID_INPUT', `input '${name}': expected a Tensor${kind === 'optional' ? ' or null' : ''} ` +
        `but received ${describe(v)}`);
    }
    return wrap(toNativeTensor(name, v));
  }

  #prepare(feeds: Feeds, options: RunOptions | undefined): [NativeValue[], string[]] {
    if (typeof feeds !== 'object' || feeds === null || Array.isArray(feeds) || feeds instanceof Tensor) {
      invalidArgument('feeds', 'an object mapping input names to Tensors', feeds);
    }
    const list: NativeValue[] = [];
    for (const [name, v] of Object.entries(feeds)) list.push(this.#toNative(name, v));
    let names: string[] = [];
    if (options !== undefined) {
      if (typeof options !== 'object' || options === null) invalidArgument('options', 'an object', options);
      if (options.outputs !== undefined) {
        if (!Array.isArray(options.outputs) || !options.outputs.every((o) => typeof o === 'string')) {
          invalidArgument('options.outputs', 'an array of output names', options.outputs);
        }
        names = [...options.outputs];
      }
    }
    return [list, names];
  }

  #collect(results: NativeValue[]): Record<string, Value> {
    const out: Record<string, Value> = {};
    for (const r of results) out[r.name] = fromNativeValue(r);
    return out;
  }
}

export type { DataTypeMap };
