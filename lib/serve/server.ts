// The HTTP server: fastify routes for the Open Inference Protocol v2 (REST) and image
// classification, a ModelRunner (queue + dynamic batching) per model, Prometheus metrics,
// OpenAPI docs, and a close() that drains.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import fastifyMultipart from '@fastify/multipart';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';

import { LiteinferError } from '../errors';
import { version as liteinferVersion } from '../info';
import { Network, Outputs } from '../network';
import type { Tensor } from '../tensor';
import { ImageDecodeError, imageToTensor, loadSharp, PreprocessSpec, Prediction, readLabels, resolvePreprocess, ResolvedPreprocessSpec, topK } from '../vision';
import { ModelRunner } from './batcher';
import { createMetrics, ServerMetrics } from './metrics';
import { decodeInferRequest, encodeInferResponse, InferRequestBody, RequestError, splitBody, tensorMetadata } from './protocol';

/** A model to serve: a path (a .onnx file, or a folder whose .onnx files are all served) or a named file. */
export type ModelSource = string | { name: string; path: string };

/** Options of {@link serve}. */
export interface ServeOptions {
  /** .onnx files and folders of them; a model's name is its file name without .onnx. */
  models: readonly ModelSource[];
  /** Interface to listen on. Default '127.0.0.1'. */
  host?: string;
  /** Port; 0 picks a free one. Default 8000. */
  port?: number;
  /** Threads per Network run. Default: the cores divided among the instances. */
  threads?: number;
  /** Networks per model running requests in parallel (clones sharing the weights). Default 1. */
  instances?: number;
  /** Rows in one batched run (models with a leading dynamic dim). 1 disables batching. Default 8. */
  maxBatch?: number;
  /** How long a request may wait for others to join its batch, in ms. Default 2. */
  batchDelayMs?: number;
  /** Requests waiting per model beyond which the server answers 503 with Retry-After. Default 64. */
  maxQueue?: number;
  /** Largest request body in bytes (413 beyond). Default 64 MiB. */
  maxBodyBytes?: number;
  /** Per-request time limit in ms, from arrival to the answer (504 beyond). Default 30000. */
  timeoutMs?: number;
  /** Fail the start when any model fails to load (default: serve the others and report it). */
  strict?: boolean;
  /**
   * Image preprocessing for the classify route: a preset ('imagenet', the default), a spec, or a
   * JSON file; or an object mapping model names to one of those.
   */
  preprocess?: string | PreprocessSpec | Record<string, string | PreprocessSpec>;
  /** Class labels for classify: a labels.txt path or the list; or an object mapping model names to one. */
  labels?: string | readonly string[] | Record<string, string | readonly string[]>;
  /** Default K of classify's top-K (a request may ask ?top=N). Default 5. */
  top?: number;
  /** fastify's logger option: false (default), true (pino JSON lines on stdout), or pino options. */
  logger?: FastifyServerOptions['logger'];
  /** Serve OpenAPI docs at /docs. Default true. */
  docs?: boolean;
}

/** What became of one model at start. */
export interface ModelStatus {
  name: string;
  path: string;
  /** false when it failed to load; `error` says why. */
  ready: boolean;
  error?: string;
  /** Requests are batched along a leading dynamic dim. */
  batching?: boolean;
  instances?: number;
  threads?: number;
}

/** A running server: its address, the models' status, and close(). */
export interface Server {
  /** e.g. 'http://127.0.0.1:8000'. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly models: readonly ModelStatus[];
  /** The fastify instance (for tests, extra routes or hooks). */
  readonly app: FastifyInstance;
  /**
   * Stops accepting requests, finishes those in flight (queued ones included), disposes the
   * Networks. Safe to call twice.
   */
  close(): Promise<void>;
}

interface Model {
  name: string;
  path: string;
  status: ModelStatus;
  net?: Network;
  runner?: ModelRunner;
  preprocess?: ResolvedPreprocessSpec;
  preprocessError?: string;
  labels?: readonly string[];
  errorCode?: LiteinferError['code'];
}

const VERSION = '1';
const BINARY = Symbol('liteinfer.binary');
type WithBinary = FastifyRequest & { [BINARY]?: Buffer | null };

function listModels(sources: readonly ModelSource[]): Array<{ name: string; path: string }> {
  if (!Array.isArray(sources) || sources.length === 0) {
    throw new LiteinferError('INVALID_ARGUMENT', 'serve needs at least one model (a .onnx file or a folder of them) in options.models');
  }
  const out: Array<{ name: string; path: string }> = [];
  for (const src of sources) {
    if (typeof src === 'object' && src !== null && typeof src.name === 'string' && typeof src.path === 'string') {
      out.push({ name: src.name, path: path.resolve(src.path) });
      continue;
    }
    if (typeof src !== 'string') throw new LiteinferError('INVALID_ARGUMENT', `Expected a path or { name, path } in options.models but received ${JSON.stringify(src)}`);
    const p = path.resolve(src);
    if (!fs.existsSync(p)) throw new LiteinferError('INVALID_ARGUMENT', `model path not found: ${p}`);
    if (fs.statSync(p).isDirectory()) {
      const files = fs.readdirSync(p).filter((f) => f.endsWith('.onnx')).sort();
      if (files.length === 0) throw new LiteinferError('INVALID_ARGUMENT', `no .onnx files in the folder ${p}`);
      for (const f of files) out.push({ name: f.slice(0, -5), path: path.join(p, f) });
    } else {
      out.push({ name: path.basename(p).replace(/\.onnx$/, ''), path: p });
    }
  }
  const seen = new Set<string>();
  for (const m of out) {
    if (seen.has(m.name)) throw new LiteinferError('INVALID_ARGUMENT', `two models are named '${m.name}'; give one of them another name`);
    seen.add(m.name);
  }
  return out;
}

function positiveOption(o: ServeOptions, key: keyof ServeOptions, fallback: number, min = 1): number {
  const v = o[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
    throw new LiteinferError('INVALID_ARGUMENT', `Expected an integer >= ${min} for options.${key} but received ${JSON.stringify(v)}`);
  }
  return v;
}

function perModel<T>(value: T | Record<string, T> | undefined, name: string, isSingle: (v: unknown) => boolean): T | undefined {
  if (value === undefined) return undefined;
  if (isSingle(value)) return value as T;
  return (value as Record<string, T>)[name];
}

/** The error body: 4xx and 5xx answers are `{"error": "..."}`. */
function errorStatus(err: unknown): { status: number; message: string; headers?: Record<string, string> } {
  if (err instanceof RequestError) return { status: err.status, message: err.message, headers: err.headers };
  if (err instanceof ImageDecodeError) return { status: 400, message: err.message };
  if (err instanceof LiteinferError) {
    const status = err.code === 'INVALID_INPUT' || err.code === 'INVALID_ARGUMENT' ? 400
      : err.code === 'ABORTED' ? 499 : err.code === 'DISPOSED' ? 503 : 500;
    return { status, message: err.message };
  }
  const e = err as FastifyError;
  if (e?.validation) return { status: 400, message: `invalid request: ${e.message}` };
  if (e?.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || e?.code === 'FST_REQ_FILE_TOO_LARGE' || e?.code === 'FST_FILES_LIMIT') {
    return { status: 413, message: `the request body is larger than the limit: ${e.message}` };
  }
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) return { status: e.statusCode, message: e.message };
  return { status: 500, message: `internal error: ${(err as Error)?.message ?? String(err)}` };
}

const INFER_BODY = {
  type: 'object',
  required: ['inputs'],
  properties: {
    id: { type: 'string' },
    parameters: { type: 'object', properties: { binary_data_output: { type: 'boolean' } } },
    inputs: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'shape', 'datatype'],
        properties: {
          name: { type: 'string' },
          shape: { type: 'array', items: { type: 'integer', minimum: 0 } },
          datatype: { type: 'string', enum: ['BOOL', 'UINT8', 'UINT16', 'UINT32', 'UINT64', 'INT8', 'INT16', 'INT32', 'INT64', 'FP16', 'FP32', 'FP64', 'BF16', 'BYTES'] },
          parameters: { type: 'object', properties: { binary_data_size: { type: 'integer', minimum: 0 } } },
          data: { description: 'row-major values, flat or nested (absent when binary_data_size is given)' },
        },
      },
    },
    outputs: {
      type: 'array',
      items: {
        type: 'object', required: ['name'],
        properties: { name: { type: 'string' }, parameters: { type: 'object', properties: { binary_data: { type: 'boolean' } } } },
      },
    },
  },
} as const;

const MODEL_PARAMS = { type: 'object', properties: { name: { type: 'string' }, version: { type: 'string' } }, required: ['name'] } as const;

/**
 * Starts an HTTP server for ONNX models speaking the Open Inference Protocol v2 (KServe v2 /
 * Triton REST, with the binary tensor extension), plus image classification, Prometheus metrics
 * at /metrics and OpenAPI docs at /docs.
 *
 * @param options the models and server settings (see {@link ServeOptions})
 * @returns the running server, once every model is loaded and the port is bound
 * @throws LiteinferError INVALID_ARGUMENT for bad options; with `strict`, the first load error
 *   (its code) naming every model that failed
 * @example
 * import { serve } from 'liteinfer';
 * const server = await serve({ models: ['resnet18.onnx'], port: 0 });
 * console.log(server.url);   // http://127.0.0.1:54321
 * await server.close();
 */
export async function serve(options: ServeOptions): Promise<Server> {
  if (typeof options !== 'object' || options === null) throw new LiteinferError('INVALID_ARGUMENT', 'serve needs an options object with models');
  const list = listModels(options.models);
  const instances = positiveOption(options, 'instances', 1);
  const threads = positiveOption(options, 'threads', Math.max(1, Math.floor(os.availableParallelism() / instances)));
  const maxBatch = positiveOption(options, 'maxBatch', 8);
  const batchDelayMs = positiveOption(options, 'batchDelayMs', 2, 0);
  const maxQueue = positiveOption(options, 'maxQueue', 64, 0);
  const maxBodyBytes = positiveOption(options, 'maxBodyBytes', 64 * 1024 * 1024);
  const timeoutMs = positiveOption(options, 'timeoutMs', 30_000);
  const defaultTop = positiveOption(options, 'top', 5);
  const port = options.port ?? 8000;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new LiteinferError('INVALID_ARGUMENT', `Expected a port from 0 to 65535 but received ${JSON.stringify(port)}`);
  const host = options.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host.length === 0) throw new LiteinferError('INVALID_ARGUMENT', `Expected a host name or address for options.host but received ${JSON.stringify(host)}`);
  const metrics = createMetrics();

  const models = new Map<string, Model>();
  await Promise.all(list.map(async ({ name, path: file }) => {
    const m: Model = { name, path: file, status: { name, path: file, ready: false } };
    models.set(name, m);
    try {
      const net = await Network.load(file, { threads });
      const nets = [net, ...Array.from({ length: instances - 1 }, () => net.clone())];
      m.net = net;
      m.runner = new ModelRunner(nets, {
        maxBatch, batchDelayMs, maxQueue,
        onRun: (rows, _n, seconds) => {
          metrics.batchSize.observe({ model: name }, rows);
          metrics.inferenceSeconds.observe({ model: name }, seconds);
        },
        onQueue: (depth) => metrics.queueDepth.set({ model: name }, depth),
      });
      metrics.queueDepth.set({ model: name }, 0);
      m.status = { name, path: file, ready: true, batching: m.runner.batchable, instances, threads };
    } catch (err) {
      m.status = { name, path: file, ready: false, error: (err as Error).message };
      m.errorCode = err instanceof LiteinferError ? err.code : 'INTERNAL';
    }
  }));
  const failed = [...models.values()].filter((m) => !m.status.ready);
  const disposeAll = () => {
    for (const m of models.values()) void m.runner?.close();
  };
  if (options.strict && failed.length) {
    disposeAll();
    throw new LiteinferError(failed[0].errorCode ?? 'INVALID_MODEL',
      `${failed.length} model(s) failed to load: ${failed.map((m) => `${m.name} (${m.path}): ${m.status.error}`).join('; ')}`);
  }

  // Classification settings, resolved per model against its first input.
  try {
    for (const m of models.values()) {
      const labels = perModel(options.labels, m.name, (v) => typeof v === 'string' || Array.isArray(v));
      if (labels !== undefined) m.labels = typeof labels === 'string' ? readLabels(labels) : [...(labels as string[])];
      const spec = perModel(options.preprocess, m.name, (v) => typeof v === 'string' || (typeof v === 'object' && v !== null &&
        Object.keys(v).every((k) => ['size', 'crop', 'mean', 'std', 'scale', 'channels', 'layout', 'dtype', 'kernel'].includes(k))));
      if (!m.net) continue;
      try {
        m.preprocess = resolvePreprocess(spec ?? 'imagenet', m.net.inputs[0]);
      } catch (err) {
        if (spec !== undefined) throw err;   // a spec given at start must be valid
        m.preprocessError = (err as Error).message;
      }
    }
  } catch (err) {
    disposeAll();
    throw err;
  }

  let draining = false;
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: maxBodyBytes,
    requestTimeout: timeoutMs,
    return503OnClosing: true,
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false } },
  });
  app.decorateRequest(BINARY, null);

  for (const m of models.values()) {
    if (m.status.ready) app.log.info({ model: m.name, path: m.path, batching: m.status.batching, instances, threads }, 'model loaded');
    else app.log.error({ model: m.name, path: m.path, err: m.status.error }, 'model failed to load');
  }

  app.setErrorHandler((err, request, reply) => {
    const { status, message, headers } = errorStatus(err);
    if (status >= 500 && status !== 503) request.log.error({ err }, 'request failed');
    if (headers) reply.headers(headers);
    reply.code(status).type('application/json; charset=utf-8').send({ error: message });
  });
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ error: `no route ${request.method} ${request.url.split('?')[0]} (see /docs)` });
  });
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpRequests.inc({ route: request.routeOptions.url ?? 'unknown', method: request.method, status: String(reply.statusCode) });
  });

  if (options.docs !== false) {
    await app.register(fastifySwagger, {
      openapi: {
        info: { title: 'liteinfer', description: 'Open Inference Protocol v2 (REST) for ONNX models, and image classification', version: liteinferVersion },
      },
    });
    await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  }

  const modelOr404 = (name: string, version: string | undefined): Model => {
    const m = models.get(name);
    if (!m) throw new RequestError(404, `unknown model '${name}' (served: ${[...models.keys()].map((k) => `'${k}'`).join(', ') || 'none'})`);
    if (version !== undefined && version !== VERSION) throw new RequestError(404, `model '${name}' has no version '${version}' (versions: ${VERSION})`);
    return m;
  };
  const readyOr503 = (m: Model): Model & { net: Network; runner: ModelRunner } => {
    if (!m.net || !m.runner) throw new RequestError(503, `model '${m.name}' failed to load: ${m.status.error}`);
    if (draining) throw new RequestError(503, 'the server is shutting down', { 'retry-after': '1' });
    return m as Model & { net: Network; runner: ModelRunner };
  };

  /** Queues feeds on the model's runner with the per-request timeout; a client that leaves aborts its queued request. */
  const run = async (m: Model & { runner: ModelRunner }, feeds: Record<string, Tensor>, outputs: string[], reply: FastifyReply): Promise<Outputs> => {
    const abort = new AbortController();
    const onClose = () => {
      if (!reply.raw.writableEnded) abort.abort();
    };
    reply.raw.once('close', onClose);
    let timer: NodeJS.Timeout | undefined;
    const elapsed = performance.now() - (reply.request as unknown as { startTime: number }).startTime;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        abort.abort();
        reject(new RequestError(504, `the request took longer than the ${timeoutMs} ms limit (model '${m.name}': ${m.runner.queueDepth} queued, ${m.runner.running} running)`));
      }, Math.max(0, timeoutMs - elapsed));
    });
    try {
      return await Promise.race([m.runner.submit(feeds, outputs, abort.signal), timeout]);
    } finally {
      clearTimeout(timer);
      reply.raw.off('close', onClose);
    }
  };

  const instrument = async <T>(m: Model, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    metrics.inferRequests.inc({ model: m.name });
    try {
      return await fn();
    } catch (err) {
      metrics.inferFailures.inc({ model: m.name, status: String(errorStatus(err).status) });
      throw err;
    } finally {
      metrics.requestSeconds.observe({ model: m.name }, (performance.now() - t0) / 1000);
    }
  };

  app.decorateRequest('startTime', 0);
  app.addHook('onRequest', async (request) => {
    (request as unknown as { startTime: number }).startTime = performance.now();
  });

  // Health and metadata.
  const tags = ['Open Inference Protocol v2'];
  app.get('/v2/health/live', { schema: { tags, summary: 'Liveness: 200 while the process serves' } }, async () => ({ live: true }));
  app.get('/v2/health/ready', { schema: { tags, summary: 'Readiness: 200 once started, 503 while shutting down' } }, async (_req, reply) => {
    if (draining) return reply.code(503).send({ error: 'the server is shutting down', ready: false });
    return { ready: true };
  });
  app.get('/v2', { schema: { tags, summary: 'Server metadata' } }, async () => ({
    name: 'liteinfer', version: liteinferVersion, extensions: ['binary_tensor_data', 'classify'],
  }));
  const metadata = async (request: FastifyRequest) => {
    const { name, version } = request.params as { name: string; version?: string };
    const m = readyOr503(modelOr404(name, version));
    return {
      name: m.name, versions: [VERSION], platform: 'onnx',
      inputs: m.net.inputs.map(tensorMetadata), outputs: m.net.outputs.map(tensorMetadata),
      parameters: { batching: m.runner.batchable, max_batch_size: m.runner.batchable ? maxBatch : 0, instances },
    };
  };
  const ready = async (request: FastifyRequest) => {
    const { name, version } = request.params as { name: string; version?: string };
    readyOr503(modelOr404(name, version));
    return { name, ready: true };
  };
  for (const prefix of ['/v2/models/:name', '/v2/models/:name/versions/:version']) {
    app.get(prefix, { schema: { tags, summary: 'Model metadata: inputs and outputs (-1: a dynamic dim)', params: MODEL_PARAMS } }, metadata);
    app.get(`${prefix}/ready`, { schema: { tags, summary: 'Model readiness', params: MODEL_PARAMS } }, ready);
  }

  app.get('/metrics', { schema: { summary: 'Prometheus metrics', tags: ['metrics'] } }, async (_req, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });

  // Inference: the JSON body, or the binary extension (JSON header + raw tensors).
  await app.register(async (ctx) => {
    ctx.removeAllContentTypeParsers();
    ctx.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
      try {
        const { json, binary } = splitBody(body as Buffer, request.headers['inference-header-content-length']);
        (request as WithBinary)[BINARY] = binary;
        done(null, json);
      } catch (err) {
        done(err as Error, undefined);
      }
    });
    const infer = async (request: FastifyRequest, reply: FastifyReply) => {
      const { name, version } = request.params as { name: string; version?: string };
      const m = readyOr503(modelOr404(name, version));
      return instrument(m, async () => {
        const decoded = decodeInferRequest(request.body as InferRequestBody, (request as WithBinary)[BINARY] ?? null, m.net.inputs, m.net.outputs);
        const out = await run(m, decoded.feeds, decoded.outputs, reply);
        const enc = encodeInferResponse(m.name, VERSION, decoded, out);
        reply.type(enc.contentType);
        if (enc.headerLength !== undefined) reply.header('inference-header-content-length', String(enc.headerLength));
        return reply.send(enc.body);
      });
    };
    for (const prefix of ['/v2/models/:name', '/v2/models/:name/versions/:version']) {
      ctx.post(`${prefix}/infer`, {
        schema: {
          tags, summary: 'Inference (JSON tensors; or the binary extension with Inference-Header-Content-Length)',
          params: MODEL_PARAMS, body: INFER_BODY, consumes: ['application/json', 'application/octet-stream'],
        },
      }, infer);
    }
  });

  // Classification: an image (multipart field `file`, or a raw image/* body) -> top-K labels.
  await app.register(async (ctx) => {
    ctx.removeAllContentTypeParsers();
    await ctx.register(fastifyMultipart, { limits: { fileSize: maxBodyBytes, files: 4, fields: 16 } });
    ctx.addContentTypeParser(/^image\/.*/, { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    ctx.setErrorHandler((err, request, reply) => {
      if ((err as FastifyError).code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
        err = new RequestError(415, `unsupported content type '${request.headers['content-type'] ?? '(none)'}': send an image (image/*) or multipart/form-data with the image in the field 'file'`);
      }
      const { status, message, headers } = errorStatus(err);
      if (status >= 500 && status !== 503) request.log.error({ err }, 'request failed');
      if (headers) reply.headers(headers);
      reply.code(status).send({ error: message });
    });
    const classify = async (request: FastifyRequest, reply: FastifyReply) => {
      const { name, version } = request.params as { name: string; version?: string };
      const m = readyOr503(modelOr404(name, version));
      return instrument(m, async () => {
        const query = request.query as { top?: string };
        let k = defaultTop;
        if (query.top !== undefined) {
          k = Number(query.top);
          if (!Number.isSafeInteger(k) || k < 1) throw new RequestError(400, `query parameter 'top' must be a positive integer, got '${query.top}'`);
        }
        let image: Buffer;
        let filename: string | null = null;
        if (request.isMultipart()) {
          let found: { data: Buffer; filename: string; mimetype: string } | undefined;
          for await (const part of request.parts()) {
            if (part.type !== 'file') continue;
            const data = await part.toBuffer();
            if (part.fieldname === 'file' && !found) found = { data, filename: part.filename, mimetype: part.mimetype };
          }
          if (!found) throw new RequestError(400, "the multipart body has no file in the field 'file'");
          if (!/^image\//.test(found.mimetype) && found.mimetype !== 'application/octet-stream') {
            throw new RequestError(415, `the file '${found.filename}' has the type '${found.mimetype}', not an image (image/*)`);
          }
          image = found.data;
          filename = found.filename;
        } else {
          image = request.body as Buffer;
          if (!Buffer.isBuffer(image) || image.length === 0) throw new RequestError(400, 'the request body is empty (expected an image)');
        }
        if (!loadSharp()) throw new RequestError(501, 'image classification needs sharp, which is not installed (npm install sharp)');
        if (!m.preprocess) throw new RequestError(400, `model '${m.name}' does not take an image: ${m.preprocessError}`);
        const input = m.net.inputs[0];
        if (m.net.inputs.length !== 1) throw new RequestError(400, `model '${m.name}' has ${m.net.inputs.length} inputs; classify needs a model with one image input`);
        const x = await imageToTensor(image, m.preprocess, input);
        if (input.dtype !== x.dtype) throw new RequestError(400, `model '${m.name}' takes ${input.dtype}, the preprocessing makes ${x.dtype} (set dtype in the preprocessing spec)`);
        if (input.shape && (input.shape.length !== 4 || !input.shape.every((d, i) => typeof d !== 'number' || d === x.shape[i]))) {
          throw new RequestError(400, `model '${m.name}': the preprocessed image has shape [${x.shape.join(', ')}] but the input '${input.name}' is [${input.shape.join(', ')}] (check crop and layout of the preprocessing spec)`);
        }
        const outName = m.net.outputs[0].name;
        const out = await run(m, { [input.name]: x }, [outName], reply);
        const scores = out[outName];
        if (scores.dtype !== 'float32' && scores.dtype !== 'float64') throw new RequestError(400, `model '${m.name}': output '${outName}' is ${scores.dtype}, not class scores`);
        const top: Prediction[] = topK(scores.data as Float32Array, Math.min(k, scores.size), m.labels);
        return { filename, top };
      });
    };
    for (const prefix of ['/v2/models/:name', '/v2/models/:name/versions/:version']) {
      ctx.post(`${prefix}/classify`, {
        // Not validated (multipart and raw bodies are read by the handler); the schema documents the upload for /docs.
        validatorCompiler: () => () => true,
        schema: {
          tags: ['classification'], summary: 'Classify an image: multipart field `file`, or a raw image/* body; answers the top-K labels',
          params: MODEL_PARAMS, querystring: { type: 'object', properties: { top: { type: 'integer', minimum: 1 } } },
          consumes: ['multipart/form-data', 'image/jpeg', 'image/png', 'image/webp'],
          body: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } },
        },
      }, classify);
    }
  });

  // While draining, answers close their connection, and idle keep-alive connections are closed as
  // they appear: otherwise close() would wait for each client's keep-alive timeout (72 s in fastify).
  app.addHook('onSend', async (_request, reply, payload) => {
    if (draining) reply.header('connection', 'close');
    return payload;
  });
  let idleSweep: NodeJS.Timeout | undefined;
  app.addHook('preClose', async () => {
    idleSweep = setInterval(() => app.server.closeIdleConnections(), 50);
    idleSweep.unref();
  });
  app.addHook('onClose', async () => {
    clearInterval(idleSweep);
    draining = true;
    await Promise.all([...models.values()].map((m) => m.runner?.close()));
  });

  try {
    await app.listen({ host, port });
  } catch (err) {
    disposeAll();
    throw err;
  }
  const addr = app.server.address();
  const bound = typeof addr === 'object' && addr ? addr.port : port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  let closing: Promise<void> | null = null;
  return {
    url: `http://${urlHost}:${bound}`,
    host, port: bound,
    models: [...models.values()].map((m) => m.status),
    app,
    close() {
      draining = true;
      closing ??= app.close().then(() => undefined);
      return closing;
    },
  };
}

