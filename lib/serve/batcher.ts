// Dynamic batching and the per-model queue: requests for one model wait in a bounded queue; an
// idle Network takes the oldest request and, when the model has a leading dynamic batch dim, the
// queued requests whose other dims match, up to maxBatch rows, waiting at most batchDelayMs after
// the oldest request arrived. Their inputs are concatenated along dim 0 (row-major, so it is a
// concatenation of the data), run once, and the outputs are split back by rows. A batch takes a
// power-of-two number of rows when the requests allow it (see #take).
import type { DType } from '../dtypes';
import { LiteinferError } from '../errors';
import type { Network, Outputs, TensorInfo } from '../network';
import { Tensor, TensorInput } from '../tensor';
import { RequestError } from './protocol';

/** Options of a {@link ModelRunner}. */
export interface RunnerOptions {
  /** Rows (dim 0 summed over the requests) in one batched run. 1 disables batching. */
  maxBatch: number;
  /** How long the oldest queued request may wait for others to join its batch. */
  batchDelayMs: number;
  /** Requests waiting (not yet running) beyond which new ones are refused (503). */
  maxQueue: number;
  /** Called after each run with its batch rows, request count and duration. */
  onRun?: (rows: number, requests: number, seconds: number) => void;
  /** Called when the queue depth changes. */
  onQueue?: (depth: number) => void;
}

interface Pending {
  feeds: Record<string, Tensor>;
  outputs: string[];
  rows: number;
  key: string;
  arrived: number;
  resolve: (o: Outputs) => void;
  reject: (e: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/**
 * True when every input and output has a leading dim that is not fixed (a symbol or unknown), so
 * requests can be stacked along it.
 */
export function isBatchable(inputs: readonly TensorInfo[], outputs: readonly TensorInfo[]): boolean {
  const dyn = (i: TensorInfo) => !i.kind && i.shape !== null && i.shape.length > 0 && typeof i.shape[0] === 'string';
  return inputs.length > 0 && inputs.every(dyn) && outputs.every(dyn);
}

function concat(parts: Tensor[]): Tensor {
  if (parts.length === 1) return parts[0];
  const first = parts[0];
  const rows = parts.reduce((a, t) => a + t.shape[0], 0);
  const shape = [rows, ...first.shape.slice(1)];
  if (first.dtype === 'string') return new Tensor('string', parts.flatMap((t) => t.data as string[]), shape);
  const total = parts.reduce((a, t) => a + t.size, 0);
  const Ctor = (first.data as ArrayBufferView).constructor as { new (n: number): ArrayLike<unknown> & { set(a: ArrayLike<unknown>, o: number): void } };
  const out = new Ctor(total);
  let off = 0;
  for (const t of parts) {
    out.set(t.data as ArrayLike<unknown>, off);
    off += t.size;
  }
  return new Tensor(first.dtype, out as unknown as TensorInput<DType>, shape);
}

function sliceRows(t: Tensor, start: number, rows: number): Tensor {
  const per = t.shape.slice(1).reduce((a, b) => a * b, 1);
  const data = t.dtype === 'string'
    ? (t.data as string[]).slice(start * per, (start + rows) * per)
    : (t.data as unknown as { subarray(a: number, b: number): ArrayLike<unknown> }).subarray(start * per, (start + rows) * per);
  return new Tensor(t.dtype, data as TensorInput<DType>, [rows, ...t.shape.slice(1)]);
}

/**
 * Runs one model's requests on its Networks (instances): a bounded queue, dynamic batching when
 * the model has a batch dim, one run at a time per Network.
 */
export class ModelRunner {
  readonly batchable: boolean;
  #idle: Network[];
  readonly #all: Network[];
  #queue: Pending[] = [];
  #timer: NodeJS.Timeout | null = null;
  #running = 0;
  #closed = false;
  #alone = 0;
  #drained: Array<() => void> = [];
  readonly #opts: RunnerOptions;

  /**
   * @param nets the model's Networks (one per instance; clones share the weights)
   * @param options batching and queue limits
   */
  constructor(nets: Network[], options: RunnerOptions) {
    this.#all = nets;
    this.#idle = [...nets];
    this.#opts = options;
    this.batchable = options.maxBatch > 1 && isBatchable(nets[0].inputs, nets[0].outputs);
  }

  /** Requests waiting for a Network. */
  get queueDepth(): number {
    return this.#queue.length;
  }

  /** Runs in progress. */
  get running(): number {
    return this.#running;
  }

  /**
   * Queues a request and resolves with its outputs (the rows of a batched run that are its own).
   *
   * @param feeds checked feeds (see decodeInferRequest)
   * @param outputs the outputs to compute
   * @param signal aborting removes the request from the queue if it has not started
   * @throws RequestError 503 (with Retry-After) when the queue is full or the server is closing
   */
  submit(feeds: Record<string, Tensor>, outputs: string[], signal?: AbortSignal): Promise<Outputs> {
    if (this.#closed) return Promise.reject(new RequestError(503, 'the server is shutting down', { 'retry-after': '1' }));
    if (this.#queue.length >= this.#opts.maxQueue) {
      return Promise.reject(new RequestError(503,
        `the queue of this model is full (${this.#opts.maxQueue} requests waiting); retry later`, { 'retry-after': '1' }));
    }
    const tensors = Object.values(feeds);
    const rows = this.batchable ? tensors[0].shape[0] : 1;
    const sameRows = tensors.every((t) => t.shape.length > 0 && t.shape[0] === rows);
    // A request whose inputs disagree on dim 0 or that needs more than maxBatch rows runs alone.
    const key = this.batchable && sameRows && rows <= this.#opts.maxBatch
      ? Object.keys(feeds).sort().map((n) => `${n}:${feeds[n].dtype}:${feeds[n].shape.slice(1).join('x')}`).join('|') + '>' + [...outputs].sort().join(',')
      : `alone:${this.#alone++}`;
    return new Promise<Outputs>((resolve, reject) => {
      const p: Pending = { feeds, outputs, rows, key, arrived: performance.now(), resolve, reject, signal };
      if (signal) {
        p.onAbort = () => {
          const i = this.#queue.indexOf(p);
          if (i >= 0) {
            this.#queue.splice(i, 1);
            this.#opts.onQueue?.(this.#queue.length);
            reject(new LiteinferError('ABORTED', 'the request was aborted before it ran'));
          }
        };
        signal.addEventListener('abort', p.onAbort, { once: true });
      }
      this.#queue.push(p);
      this.#opts.onQueue?.(this.#queue.length);
      this.#schedule();
    });
  }

  /** Resolves once the queue is empty and no run is in progress; new requests are refused (503). */
  drain(): Promise<void> {
    this.#closed = true;
    if (this.#queue.length === 0 && this.#running === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drained.push(resolve));
  }

  /** Drains, then disposes the Networks. */
  async close(): Promise<void> {
    await this.drain();
    for (const n of this.#all) n.dispose();
  }

  #schedule(): void {
    while (this.#idle.length > 0 && this.#queue.length > 0) {
      const head = this.#queue[0];
      if (this.batchable && !head.key.startsWith('alone:') && this.#opts.batchDelayMs > 0) {
        const rows = this.#queue.reduce((a, p) => a + (p.key === head.key ? p.rows : 0), 0);
        const waitMs = head.arrived + this.#opts.batchDelayMs - performance.now();
        if (rows < this.#opts.maxBatch && waitMs > 0 && !this.#closed) {
          if (!this.#timer) {
            this.#timer = setTimeout(() => {
              this.#timer = null;
              this.#schedule();
            }, Math.ceil(waitMs));
          }
          return;
        }
      }
      this.#dispatch(this.#idle.pop()!);
    }
  }

  #take(): Pending[] {
    const head = this.#queue.shift()!;
    const batch = [head];
    if (!head.key.startsWith('alone:')) {
      // Rows are capped at a power of two (the rest wait for the next run): the engine plans
      // memory per input shape, so this bounds the plans to log2(maxBatch) + 1 batch sizes
      // (MobileNetV2-style 224: 5.7 MiB of arena per row; sizes 1..16 would plan 776 MiB, powers
      // of two 177 MiB) and avoids a planning pause (~24 ms there) at each new size.
      let available = head.rows;
      for (const p of this.#queue) if (p.key === head.key) available += p.rows;
      const limit = Math.min(available, this.#opts.maxBatch);
      const cap = Math.max(head.rows, 2 ** Math.floor(Math.log2(limit)));
      let rows = head.rows;
      for (let i = 0; i < this.#queue.length && rows < cap;) {
        const p = this.#queue[i];
        if (p.key === head.key && rows + p.rows <= cap) {
          batch.push(p);
          rows += p.rows;
          this.#queue.splice(i, 1);
        } else {
          i++;
        }
      }
    }
    for (const p of batch) if (p.onAbort) p.signal!.removeEventListener('abort', p.onAbort);
    this.#opts.onQueue?.(this.#queue.length);
    return batch;
  }

  #dispatch(net: Network): void {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    const batch = this.#take();
    this.#running++;
    this.#runBatch(net, batch).finally(() => {
      this.#running--;
      this.#idle.push(net);
      if (this.#queue.length === 0 && this.#running === 0) {
        for (const d of this.#drained.splice(0)) d();
      }
      this.#schedule();
    });
  }

  async #timed(net: Network, feeds: Record<string, Tensor>, outputs: string[], rows: number, requests: number): Promise<Outputs> {
    const t0 = performance.now();
    const out = await net.run(feeds, { outputs });
    this.#opts.onRun?.(rows, requests, (performance.now() - t0) / 1000);
    return out;
  }

  async #runBatch(net: Network, batch: Pending[]): Promise<void> {
    if (batch.length === 1) {
      const p = batch[0];
      try {
        p.resolve(await this.#timed(net, p.feeds, p.outputs, p.rows, 1));
      } catch (err) {
        p.reject(err);
      }
      return;
    }
    const rows = batch.reduce((a, p) => a + p.rows, 0);
    const feeds: Record<string, Tensor> = {};
    for (const name of Object.keys(batch[0].feeds)) feeds[name] = concat(batch.map((p) => p.feeds[name]));
    let out: Outputs | null = null;
    try {
      out = await this.#timed(net, feeds, batch[0].outputs, rows, batch.length);
      // An output whose dim 0 is not the batch (a model that reduces over it) cannot be split.
      if (!Object.values(out).every((t) => t instanceof Tensor && t.shape[0] === rows)) out = null;
    } catch {
      out = null;
    }
    if (out === null) {
      // The batched run failed (one bad request) or cannot be split: run each request alone, so
      // each gets its own result or error.
      for (const p of batch) {
        try {
          p.resolve(await this.#timed(net, p.feeds, p.outputs, p.rows, 1));
        } catch (err) {
          p.reject(err);
        }
      }
      return;
    }
    let start = 0;
    for (const p of batch) {
      const mine: Outputs = {};
      for (const [name, t] of Object.entries(out)) mine[name] = sliceRows(t, start, p.rows);
      start += p.rows;
      p.resolve(mine);
    }
  }
}
