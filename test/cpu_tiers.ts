// Which kernel tiers this host can run beyond the best one and the portable path, read from
// /proc/cpuinfo (the flags the kernel reports are those the OS has enabled). Used by
// vitest.config.ts and test/cpp.test.ts to run the suites again on the lower x86 tier.
import * as fs from 'node:fs';

/** True when the host has AVX-512 F/DQ/BW/VL, so LITEINFER_CPU=avx2 selects a lower tier. */
export function hostHasAvx512(): boolean {
  try {
    const flags = /^flags\s*:(.*)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1].split(' ') ?? [];
    return ['avx512f', 'avx512dq', 'avx512bw', 'avx512vl'].every((f) => flags.includes(f));
  } catch {
    return false;  // not Linux: the best tier and the portable one only
  }
}
