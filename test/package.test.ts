// The package as published: exports map and files (publint), public types (tsd), and the
// generated operator table.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.join(__dirname, '..');

function npx(args: string[]) {
  return spawnSync('npx', ['--no-install', ...args], { cwd: ROOT, encoding: 'utf8' });
}

describe('package', () => {
  it('passes publint (exports map, types first, files)', () => {
    const r = npx(['publint', '--strict']);
    expect(r.status, r.stdout + r.stderr).toBe(0);
  }, 120_000);

  it('has public types that check (tsd)', () => {
    const r = npx(['tsd']);
    expect(r.status, r.stdout + r.stderr).toBe(0);
  }, 120_000);

  it('has docs/operators.md current with the kernel registry (types, opsets, SIMD paths)', () => {
    const r = spawnSync(process.execPath, ['scripts/gen-operators-doc.js', '--check'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });
});
