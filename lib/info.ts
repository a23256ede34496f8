import { binding, NativeCpuInfo } from './binding';

/** The CPU as liteinfer sees it: features and the kernel tier in use (LITEINFER_CPU lowers it). */
export function cpuInfo(): NativeCpuInfo {
  return binding().cpuInfo();
}

/** Every supported op with its opset range, for docs and `liteinfer inspect`. */
export function supportedOps(): Array<{ domain: string; opType: string; since: number; until: number }> {
  return binding().registeredOps();
}

/** The package version. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const version: string = (require('../package.json') as { version: string }).version;
