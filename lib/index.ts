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
