/**
 * liteinfer: a lite, fast ONNX inference runtime for Node.js.
 * @packageDocumentation
 */
export { Network } from './network';
export type { Feeds, LoadOptions, MemoryInfo, Outputs, RunOptions, TensorInfo, Value } from './network';
export { Tensor, floatToHalf, halfToFloat, floatToBfloat16, bfloat16ToFloat } from './tensor';
export type { TensorInput } from './tensor';
export type { DType, DataTypeMap, TensorData } from './dtypes';
export { DTYPES } from './dtypes';
export { LiteinferError } from './errors';
export type { ErrorCode } from './errors';
export { cpuInfo, fmaPeakGflops, modelFlops, supportedOps, version } from './info';
export type { FlopsInfo, OpSupport } from './info';
export { summarizeProfile, toChromeTrace } from './profile';
export type { ProfileEvent, ProfileRow } from './profile';
export type { ModelSource, ModelStatus, ServeOptions, Server } from './serve/server';

/**
 * Starts an HTTP server for ONNX models speaking the Open Inference Protocol v2 (KServe v2 /
 * Triton REST, with the binary tensor extension), plus image classification, Prometheus metrics
 * at /metrics and OpenAPI docs at /docs. The server code (fastify) loads on the first call.
 *
 * @param options the models (.onnx files or folders) and server settings
 * @returns the running server: `url`, `port`, `models` (each model's status) and `close()`
 * @throws LiteinferError INVALID_ARGUMENT for bad options; with `strict`, when a model fails to load
 * @example
 * import { serve } from 'liteinfer';
 * const server = await serve({ models: ['resnet18.onnx'], port: 0 });
 * const res = await fetch(`${server.url}/v2/models/resnet18`);
 * await server.close();
 */
export async function serve(options: import('./serve/server').ServeOptions): Promise<import('./serve/server').Server> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const impl = require('./serve/server') as typeof import('./serve/server');
  return impl.serve(options);
}
