import { defineConfig } from 'vitest/config';
import { hostHasAvx512 } from './test/cpu_tiers';

// Each test file runs in its own process (pool 'forks'), so the kernel tier, read once per
// process, can differ per project: the op and network suites run again with LITEINFER_CPU=generic,
// and on an AVX-512 host also with LITEINFER_CPU=avx2, so every tier the host can run is tested.
const OP_SUITES = ['test/ops*.test.ts', 'test/networks.test.ts'];

export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 600_000,
    projects: [
      { extends: true, test: { name: 'best-cpu', include: ['test/**/*.test.ts'] } },
      { extends: true, test: { name: 'generic-cpu', include: OP_SUITES, env: { LITEINFER_CPU: 'generic' } } },
      ...(hostHasAvx512()
        ? [{ extends: true, test: { name: 'avx2-cpu', include: OP_SUITES, env: { LITEINFER_CPU: 'avx2' } } }]
        : []),
    ],
  },
});
