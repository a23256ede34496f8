import * as fs from 'node:fs';
import * as path from 'node:path';

import { binding, NativeIoInfo, NativeMemoryInfo, NativeNetwork, NativeStats, NativeTensor } from './binding';
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
  readonly dtype: DType;
  /** null when the model does not declare the rank. */
  readonly shape: ReadonlyArray<number | string> | null;
}

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

export type Feeds = Record<string, Tensor>;
export type Outputs = Record<string, Tensor>;

function toInfo(io: NativeIoInfo): TensorInfo {
  return Object.freeze({
    name: io.name,
    dtype: (dtypeFromCode(io.dtype) ?? 'undefined') as DType,
    shape: io.shape ? Object.freeze(io.shape.map((d) => (d === null ? '?' : d))) : null,
  });
}

function fromNativeTensor(t: NativeTensor): Tensor {
  const dtype = dtypeFromCode(t.dtype);
  if (!dtype) throw new LiteinferError('INTERNAL', `output '${t.name}' has an unknown dtype code ${t.dtype}`);
  return new Tensor(dtype, t.data as TensorInput<DType>, t.shape);
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
   *
   * @param feeds one Tensor per model input, by name
   * @param options outputs to compute, an AbortSignal
   * @returns the outputs by name
   * @throws LiteinferError INVALID_INPUT (unknown or missing input, wrong dtype or shape),
   *   INVALID_ARGUMENT, DISPOSED, ABORTED
   * @example
   * const { output } = await net.run({ input: new Tensor('float32', pixels, [1, 3, 224, 224]) });
   */
  async run(feeds: Feeds, options?: RunOptions): Promise<Outputs> {
    const holder = new Error();
    const native = this.#nativeOrThrow();
    const signal = options?.signal;
    if (signal !== undefined && !(signal instanceof AbortSignal)) invalidArgument('options.signal', 'an AbortSignal', signal);
    if (signal?.aborted) throw new LiteinferError('ABORTED', 'the run was aborted before it started');
    const [nativeFeeds, names] = this.#prepare(feeds, options);
    let handle: { promise: Promise<NativeTensor[]>; id: number };
    try {
      handle = native.run(nativeFeeds, names) as unknown as { promise: Promise<NativeTensor[]>; id: number };
    } catch (err) {
      throw fromNative(err, holder);
    }
    const onAbort = () => native.cancel(handle.id);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return this.#collect(await handle.promise);
    } catch (err) {
      throw fromNative(err, holder);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** {@link Network.run}, blocking the JS thread. */
  runSync(feeds: Feeds, options?: Omit<RunOptions, 'signal'>): Outputs {
    const native = this.#nativeOrThrow();
    const [nativeFeeds, names] = this.#prepare(feeds, options);
    try {
      return this.#collect(native.runSync(nativeFeeds, names));
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

  #prepare(feeds: Feeds, options: RunOptions | undefined): [NativeTensor[], string[]] {
    if (typeof feeds !== 'object' || feeds === null || Array.isArray(feeds) || feeds instanceof Tensor) {
      invalidArgument('feeds', 'an object mapping input names to Tensors', feeds);
    }
    const list: NativeTensor[] = [];
    for (const [name, t] of Object.entries(feeds)) {
      if (!(t instanceof Tensor)) {
        throw new LiteinferError('INVALID_INPUT', `input '${name}': expected a Tensor but received ${describe(t)}`);
      }
      list.push({ name, dtype: DTYPE_CODES[t.dtype], shape: t.shape as number[], data: t.data as NativeTensor['data'] });
    }
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

  #collect(results: NativeTensor[]): Outputs {
    const out: Outputs = {};
    for (const r of results) out[r.name] = fromNativeTensor(r);
    return out;
  }
}

export type { DataTypeMap };
