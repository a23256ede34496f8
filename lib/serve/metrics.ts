// Prometheus metrics (prom-client), one registry per server so that several servers in one
// process (tests, an app embedding two) keep their counts apart.
import * as client from 'prom-client';

/** The server's metrics; `registry.metrics()` is the text served at GET /metrics. */
export interface ServerMetrics {
  registry: client.Registry;
  /** HTTP requests by route, method and status code. */
  httpRequests: client.Counter<'route' | 'method' | 'status'>;
  /** Inference requests (infer and classify) per model. */
  inferRequests: client.Counter<'model'>;
  /** Inference requests that failed, per model and HTTP status. */
  inferFailures: client.Counter<'model' | 'status'>;
  /** Requests waiting for a Network, per model. */
  queueDepth: client.Gauge<'model'>;
  /** Rows per run (1 when not batched), per model. */
  batchSize: client.Histogram<'model'>;
  /** Time of one run() (a whole batch), per model. */
  inferenceSeconds: client.Histogram<'model'>;
  /** Request latency from arrival to the answer (decode, queue, run, encode), per model. */
  requestSeconds: client.Histogram<'model'>;
}

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Creates the metrics on a fresh registry, with Node's default process metrics. */
export function createMetrics(): ServerMetrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'liteinfer_' });
  const registers = [registry];
  return {
    registry,
    httpRequests: new client.Counter({ name: 'liteinfer_http_requests_total', help: 'HTTP requests by route, method and status', labelNames: ['route', 'method', 'status'], registers }),
    inferRequests: new client.Counter({ name: 'liteinfer_inference_requests_total', help: 'Inference requests (infer and classify) per model', labelNames: ['model'], registers }),
    inferFailures: new client.Counter({ name: 'liteinfer_inference_failures_total', help: 'Inference requests that failed, per model and HTTP status', labelNames: ['model', 'status'], registers }),
    queueDepth: new client.Gauge({ name: 'liteinfer_queue_depth', help: 'Requests waiting for a Network, per model', labelNames: ['model'], registers }),
    batchSize: new client.Histogram({ name: 'liteinfer_batch_size', help: 'Rows per run (1 when not batched), per model', labelNames: ['model'], buckets: [1, 2, 4, 8, 16, 32, 64, 128], registers }),
    inferenceSeconds: new client.Histogram({ name: 'liteinfer_inference_duration_seconds', help: 'Duration of one run (a whole batch), per model', labelNames: ['model'], buckets: LATENCY_BUCKETS, registers }),
    requestSeconds: new client.Histogram({ name: 'liteinfer_request_duration_seconds', help: 'Inference request latency: decode, queue, run and encode, per model', labelNames: ['model'], buckets: LATENCY_BUCKETS, registers }),
  };
}
