// The engine's C++ tests (kernels vs their references, loader, planner, ops) on every CPU tier
// this machine can run: the best one, AVX2 forced with LITEINFER_CPU=avx2 on an AVX-512 host, and
// the portable path forced with LITEINFER_CPU=generic.
import { execFileSync, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hostHasAvx512 } from './cpu_tiers';

const ROOT = path.join(__dirname, '..');
const BUILD = path.join(ROOT, 'build');
const BIN = path.join(BUILD, 'liteinfer_tests');

describe('C++ engine tests', () => {
  beforeAll(() => {
    // Reuses the addon's build folder, so only the test sources compile here.
    execFileSync('cmake', ['-S', ROOT, '-B', BUILD, '-DLITEINFER_TESTS=ON'], { stdio: 'pipe' });
    execFileSync('cmake', ['--build', BUILD, '-j2', '--target', 'liteinfer_tests'], { stdio: 'pipe' });
  }, 600_000);

  for (const tier of ['best', ...(hostHasAvx512() ? ['avx2'] : []), 'generic']) {
    it(`pass on the ${tier} CPU tier`, () => {
      const env = { ...process.env };
      if (tier !== 'best') env.LITEINFER_CPU = tier;
      const r = spawnSync(BIN, [], { env, encoding: 'utf8', maxBuffer: 64 << 20 });
      const summary = /(\d+) passed, (\d+) failed/.exec(r.stdout);
      expect(summary, `no summary line:\n${r.stdout}\n${r.stderr}`).not.toBeNull();
      expect(r.status, `${r.stdout.split('\n').filter((l) => l.startsWith('FAIL')).join('\n')}\n${r.stderr.slice(0, 4000)}`).toBe(0);
      expect(Number(summary![1])).toBeGreaterThan(0);
    }, 600_000);
  }
});
