import * as fs from 'node:fs';
import * as path from 'node:path';

import { binding, NativeCpuInfo } from './binding';
import { fromNative, invalidArgument, LiteinferError } from './errors';

/** The CPU as liteinfer sees it: features and the kernel tier in use (LITEINFER_CPU lowers it). */
export function cpuInfo(): NativeCpuInfo {
  return binding().cpuInfo();
}

/** One registration of an op: what {@link supportedOps} lists. */
export interface OpSupport {
  /** "ai.onnx", or "liteinfer" for fused nodes that graph optimization creates. */
  domain: string;
  opType: string;
  /** The inclusive opset range this registration serves. */
  since: number;
  until: number;
  /** Element types of the op's main type T (dtype names); empty for ops without inputs. */
  types: string[];
  /** Element types its outputs can have (the same as `types` when the outputs have type T). */
  outputTypes: string[];
  /** CPU paths with SIMD kernels (float32) besides the portable one: "avx2", "avx512", "neon". */
  simd: string[];
  /** Conditions on the types or the algorithm ("integer types from opset 12"); may be empty. */
  note: string;
}

/** Every supported op with its opset range, types and SIMD paths, for docs and `liteinfer inspect`. */
export function supportedOps(): OpSupport[] {
  return binding().registeredOps();
}

/** A model's arithmetic at given input shapes, from {@link modelFlops}. */
export interface FlopsInfo {
  /**
   * Floating-point operations (2 x multiply-adds) of the Conv, ConvTranspose, Gemm and MatMul
   * nodes and of the gate products of LSTM, GRU and RNN; biases, activations, normalizations
   * and other ops are not counted.
   */
  flops: number;
  /** The same, per op type. */
  byOp: Record<string, number>;
  /** Counted nodes whose shapes could not be determined ("Conv node 'x'"): `flops` misses them. */
  unknownNodes: string[];
}

/**
 * Counts a model's FLOPs at the given input shapes, for benchmarks (GFLOP/s = flops / seconds
 * / 1e9). Shapes are propagated through the model as written in the file (before liteinfer's
 * fusions) with liteinfer's shape rules; where an op is unsupported or its output shape depends
 * on data, the model's own value_info is used. Works on models liteinfer cannot run. Blocks
 * the JS thread while it parses the model.
 *
 * @param model a file path, or the model's bytes
 * @param inputShapes the shape of each input; inputs whose declared shape is fully static may be left out
 * @returns the total, the split per op type, and the counted nodes whose shapes stayed unknown
 * @throws LiteinferError INVALID_MODEL, INVALID_INPUT (unknown input, or a symbolic input left out),
 *   INVALID_ARGUMENT
 * @example
 * const { flops } = modelFlops('resnet50.onnx', { input: [1, 3, 224, 224] });
 * console.log(`${(flops / 1e9).toFixed(2)} GFLOP per run`);
 */
export function modelFlops(model: string | Uint8Array, inputShapes: Record<string, readonly number[]> = {}): FlopsInfo {
  let source: string | Uint8Array;
  if (typeof model === 'string') {
    if (model.length === 0) invalidArgument('model', 'a path or the model bytes', model);
    source = path.resolve(model);
    if (!fs.existsSync(source)) throw new LiteinferError('INVALID_ARGUMENT', `model file not found: ${source}`);
  } else if (model instanceof Uint8Array) {
    source = model;
  } else {
    return invalidArgument('model', 'a path (string) or the model bytes (Uint8Array)', model);
  }
  if (typeof inputShapes !== 'object' || inputShapes === null || Array.isArray(inputShapes)) {
    invalidArgument('inputShapes', 'an object mapping input names to shapes', inputShapes);
  }
  const shapes: Record<string, number[]> = {};
  for (const [name, shape] of Object.entries(inputShapes)) {
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      invalidArgument(`inputShapes['${name}']`, 'an array of integers >= 0', shape);
    }
    shapes[name] = [...shape];
  }
  try {
    return binding().modelFlops(source, shapes);
  } catch (err) {
    throw fromNative(err);
  }
}

/**
 * This machine's fp32 FMA throughput in GFLOP/s with `threads` threads (they run independent
 * 8-lane FMA chains at once; each thread's best of repeated ~2 ms calls, summed, so a busy
 * machine reads close to its hardware rate). The ceiling that a model's GFLOP/s can be compared with. Blocks for about
 * 0.3 s. null when there is no probe for this CPU (the probe needs AVX2+FMA and does not use
 * AVX-512, whose peak is up to twice as high).
 *
 * @param threads threads running chains at once (default 1)
 * @returns GFLOP/s, or null
 * @throws LiteinferError INVALID_ARGUMENT
 * @example
 * console.log(`peak: ${fmaPeakGflops(1)?.toFixed(0)} GFLOP/s per core`);
 */
export function fmaPeakGflops(threads = 1): number | null {
  if (!Number.isInteger(threads) || threads < 1 || threads > 1024) {
    invalidArgument('threads', 'an integer between 1 and 1024', threads);
  }
  try {
    const g = binding().fmaPeakGflops(threads);
    return g > 0 ? g : null;
  } catch (err) {
    throw fromNative(err);
  }
}

/** The package version. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const version: string = (require('../package.json') as { version: string }).version;
