// The only file that loads the native addon; it describes the addon's surface as interfaces.
import * as path from 'node:path';
import type { OpSupport } from './info';
import type { ProfileEvent } from './profile';

export interface NativeIoInfo {
  name: string;
  dtype: number;
  /** null when the model declares no shape; a dim is a number, a symbol, or null (unknown). */
  shape: Array<number | string | null> | null;
  /** Only for sequences (1) and optionals (2); dtype is then the element's. */
  kind?: number;
  /** For an optional: what it holds, a tensor (0) or a sequence (1). */
  elementKind?: number;
}

export interface NativeTensor {
  name: string;
  dtype: number;
  shape: number[];
  data: ArrayBufferView | string[];
}

/** A sequence (kind 1: its tensors) or an optional (kind 2: no item when absent, else one). */
export interface NativeList {
  name: string;
  kind: 1 | 2;
  dtype: number;
  items: NativeValue[];
}

export type NativeValue = NativeTensor | NativeList;

export interface NativeMemoryInfo {
  arenaBytes: number;
  intermediateBytes: number;
  weightsBytes: number;
  plansCached: number;
}

export interface NativeStats {
  opsets: Record<string, number>;
  opCounts: Record<string, number>;
  nodesInFile: number;
  nodesAfterOptimization: number;
  parameters: number;
  producer: string;
}

export interface NativeNetwork {
  inputs(): NativeIoInfo[];
  outputs(): NativeIoInfo[];
  run(feeds: NativeValue[], outputs: string[]): Promise<NativeValue[]>;
  runSync(feeds: NativeValue[], outputs: string[]): NativeValue[];
  memoryInfo(): NativeMemoryInfo;
  planMemory(feeds: NativeValue[]): NativeMemoryInfo;
  stats(): NativeStats;
  threads(): number;
  clone(threads: number): NativeNetwork;
  setProfiling(on: boolean): void;
  takeProfile(): ProfileEvent[];
  dispose(): void;
}

export interface NativeLoadOptions {
  threads?: number;
  maxMemoryBytes?: number;
  baseDir?: string;
}

export interface NativeCpuInfo {
  description: string;
  tier: 'generic' | 'avx2' | 'avx512' | 'neon';
  features: Record<string, boolean>;
  hardwareThreads: number;
}

export interface NativeFlopsInfo {
  flops: number;
  byOp: Record<string, number>;
  unknownNodes: string[];
}

export interface NativeBinding {
  load(source: string | Uint8Array, options: NativeLoadOptions): Promise<NativeNetwork>;
  loadSync(source: string | Uint8Array, options: NativeLoadOptions): NativeNetwork;
  cpuInfo(): NativeCpuInfo;
  registeredOps(): OpSupport[];
  modelFlops(source: string | Uint8Array, inputShapes: Record<string, number[]>, baseDir?: string): NativeFlopsInfo;
  fmaPeakGflops(threads: number): number;
}

let cached: NativeBinding | undefined;

/** The addon: a prebuild from prebuilds/ when one fits this platform, else build/Release. */
export function binding(): NativeBinding {
  if (!cached) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const load = require('node-gyp-build') as (dir: string) => NativeBinding;
    cached = load(path.join(__dirname, '..'));
  }
  return cached;
}
