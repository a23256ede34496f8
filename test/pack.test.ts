// The published package (issue 6): `npm pack` carries prebuilt addons for linux-x64 and
// linux-arm64 in prebuildify's layout, stays under 20 MiB, and an `npm install --ignore-scripts`
// of the tarball runs a model with nothing compiled, on the best tier and with the portable path
// forced (LITEINFER_CPU=generic: what a CPU without AVX2 runs).
// The x64 prebuild is this checkout's cmake-js Release build (build/Release, what `npm run
// prebuild` builds through prebuildify's cmake-js backend), stripped; the arm64 one comes from
// `npm run prebuild:arm64` (built here when missing: a few minutes). Slow, so enabled with
// LITEINFER_BUILD_TESTS=1 like test/build.test.ts (.ci/run sets it).
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { Network, Tensor } from '../dist/index.js';

const ROOT = path.join(__dirname, '..');
const enabled = process.env.LITEINFER_BUILD_TESTS === '1';
const scratch: string[] = [];
const MAX_PACK_BYTES = 20 * 1024 * 1024;

function tmp(prefix: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  scratch.push(d);
  return d;
}

afterAll(() => {
  for (const d of scratch) fs.rmSync(d, { recursive: true, force: true });
});

const RUN_MODEL = `
  const { Network, Tensor, cpuInfo } = require('liteinfer');
  (async () => {
    const net = await Network.load(require.resolve('liteinfer/package.json').replace(/package\\.json$/, 'models/builtin.onnx'), { threads: 1 });
    const inp = net.inputs[0];
    const shape = inp.shape.map((d) => (typeof d === 'number' ? d : 1));
    const n = shape.reduce((a, b) => a * b, 1);
    const data = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.01));
    const out = await net.run({ [inp.name]: new Tensor('float32', data, shape) });
    console.log(JSON.stringify({ tier: cpuInfo().tier, out: Array.from(out[net.outputs[0].name].data) }));
  })().catch((e) => { console.error(e); process.exit(1); });`;

async function mainBuildOutput(): Promise<number[]> {
  const net = await Network.load(path.join(ROOT, 'models', 'builtin.onnx'), { threads: 1 });
  const inp = net.inputs[0];
  const shape = inp.shape.map((d) => (typeof d === 'number' ? d : 1));
  const n = shape.reduce((a, b) => a * b, 1);
  const data = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.01));
  const out = await net.run({ [inp.name]: new Tensor('float32', data, shape) });
  const name = net.outputs[0].name;
  net.dispose();
  return Array.from(out[name].data as Float32Array);
}

describe.runIf(enabled && process.platform === 'linux' && process.arch === 'x64')('the packed package', () => {
  it('holds linux-x64 and linux-arm64 prebuilds, is under 20 MiB, and runs a model after an install that compiles nothing', async () => {
    // A staging copy of what `files` in package.json publishes, plus the two prebuilds.
    const stage = tmp('liteinfer-stage-');
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { files: string[] };
    fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(stage, 'package.json'));
    for (const f of pkg.files) {
      if (f === 'prebuilds' || !fs.existsSync(path.join(ROOT, f))) continue;
      fs.cpSync(path.join(ROOT, f), path.join(stage, f), { recursive: true });
    }
    const x64 = path.join(stage, 'prebuilds', 'linux-x64');
    fs.mkdirSync(x64, { recursive: true });
    fs.copyFileSync(path.join(ROOT, 'build', 'Release', 'liteinfer.node'), path.join(x64, 'liteinfer.napi.node'));
    execFileSync('strip', ['--strip-unneeded', path.join(x64, 'liteinfer.napi.node')]);
    const arm64 = path.join(ROOT, 'prebuilds', 'linux-arm64', 'liteinfer.napi.node');
    if (!fs.existsSync(arm64)) execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'prebuild-arm.js'), 'arm64'], { cwd: ROOT, stdio: 'pipe' });
    fs.cpSync(path.dirname(arm64), path.join(stage, 'prebuilds', 'linux-arm64'), { recursive: true });

    const out = tmp('liteinfer-pack-');
    // --ignore-scripts: `prepare` would rebuild dist/ from lib/, which the package does not ship.
    const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', out], { cwd: stage, encoding: 'utf8' })) as
      { filename: string; size: number; unpackedSize: number; files: { path: string }[] }[];
    const tgz = path.join(out, packed[0].filename);
    const size = fs.statSync(tgz).size;
    expect(size).toBeLessThan(MAX_PACK_BYTES);
    const files = packed[0].files.map((f) => f.path);
    expect(files).toContain('prebuilds/linux-x64/liteinfer.napi.node');
    expect(files).toContain('prebuilds/linux-arm64/liteinfer.napi.node');
    expect(files.some((f) => f.startsWith('build/'))).toBe(false);
    console.log(`npm pack: ${(size / 1048576).toFixed(2)} MiB packed, ${(packed[0].unpackedSize / 1048576).toFixed(2)} MiB unpacked, ${files.length} files`);

    // Install with no scripts (so nothing can compile), from the npm cache where it can.
    const app = tmp('liteinfer-app-');
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
    const args = ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--omit=dev', '--omit=optional', tgz];
    let r = spawnSync('npm', [...args, '--offline'], { cwd: app, encoding: 'utf8' });
    if (r.status !== 0) r = spawnSync('npm', args, { cwd: app, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const installed = path.join(app, 'node_modules', 'liteinfer');
    expect(fs.existsSync(path.join(installed, 'build'))).toBe(false);

    const expected = await mainBuildOutput();
    for (const tier of ['best', 'generic']) {
      const env = { ...process.env };
      delete env.LITEINFER_CPU;
      if (tier === 'generic') env.LITEINFER_CPU = 'generic';
      const run = spawnSync(process.execPath, ['-e', RUN_MODEL], { cwd: app, env, encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      const res = JSON.parse(run.stdout.trim()) as { tier: string; out: number[] };
      if (tier === 'generic') expect(res.tier).toBe('generic');
      expect(res.out.length).toBe(expected.length);
      // The prebuild is the same binary as the dev build: the best tier agrees exactly; the
      // portable kernels round differently, so they agree within 1e-5 of the output's size.
      const scale = Math.max(...expected.map(Math.abs));
      const worst = Math.max(...res.out.map((v, i) => Math.abs(v - expected[i]) / scale));
      if (tier === 'best' && process.env.LITEINFER_CPU === undefined) expect(res.out).toEqual(expected);
      else expect(worst).toBeLessThan(1e-5);
    }
    // Nothing was compiled: still no build folder after loading.
    expect(fs.existsSync(path.join(installed, 'build'))).toBe(false);
  }, 900_000);
});
