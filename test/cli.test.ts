// The liteinfer command: bench (built-in model and a file), inspect, run with .npy files, --help.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

import { Tensor } from '../dist/index.js';
import { readNpy, writeNpy } from '../dist/npy.js';
import { GraphBuilder } from './onnx/builder';

const CLI = path.join(__dirname, '..', 'dist', 'cli', 'main.js');

function cli(...args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
}

function model(dir: string): string {
  const g = new GraphBuilder('cli');
  const x = g.input('x', 'float32', ['n', 3]);
  const w = g.initializer('w', 'float32', [3, 2], new Float32Array([1, 0, 0, 1, 1, 1]));
  g.output(g.node('Relu', [g.node('MatMul', [x, w])], {}, { outputs: ['y'] }), 'float32', ['n', 2]);
  const file = path.join(dir, 'cli.onnx');
  fs.writeFileSync(file, g.toModel({ opset: 17 }));
  return file;
}

describe('liteinfer CLI', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liteinfer-cli-'));

  it('prints help for every command', () => {
    expect(cli('--help').stdout).toMatch(/bench.*inspect.*run/s);
    for (const c of ['bench', 'inspect', 'run']) {
      const r = cli(c, '--help');
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`Usage: liteinfer ${c}`));
    }
    const bad = cli('frobnicate');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/unknown command 'frobnicate'/);
  });

  it('benchmarks the built-in model with no argument', () => {
    const r = cli('bench', '--runs', '3', '--warmup', '1', '--json');
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.model).toMatch(/built-in/);
    expect(out.medianMs).toBeGreaterThan(0);
    expect(out.p90Ms).toBeGreaterThanOrEqual(out.medianMs);
    expect(out.runsPerSecond).toBeGreaterThan(0);
  }, 120_000);

  it('benchmarks a file with a symbolic dim given by --shape', () => {
    const r = cli('bench', model(dir), '--threads', '1', '--runs', '5', '--shape', 'x=8,3');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/median\s+[\d.]+ ms/);
  });

  it('profiles per op type and node, and writes a Chrome trace', () => {
    const trace = path.join(dir, 'trace.json');
    const r = cli('bench', model(dir), '--runs', '2', '--profile', '--profile-runs', '3', '--trace', trace, '--shape', 'x=4,3');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/profile\s+3 runs/);
    expect(r.stdout).toMatch(/liteinfer\.MatMul\s+[\d.]+ ms\s+100\.0%\s+1x/);
    const events = JSON.parse(fs.readFileSync(trace, 'utf8')).traceEvents.filter((e: { ph: string }) => e.ph === 'X');
    expect(events).toHaveLength(3);  // one fused node x 3 runs
    expect(events[0]).toMatchObject({ cat: 'liteinfer.MatMul', args: { run: 1, inputShapes: '[4,3] [3,2]' } });
    expect(events[1].ts).toBeGreaterThan(events[0].ts);
    const json = JSON.parse(cli('bench', model(dir), '--runs', '1', '--profile', '--json').stdout);
    expect(json.profile.byOp[0]).toMatchObject({ name: 'liteinfer.MatMul', count: 10 });
    expect(cli('bench', '--trace', trace).stderr).toMatch(/--trace needs --profile/);
  });

  it('inspects a model', () => {
    const r = cli('inspect', model(dir));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/x: float32 \[n, 3\]/);
    expect(r.stdout).toMatch(/y: float32 \[n, 2\]/);
    expect(r.stdout).toMatch(/parameters\s+6/);
    expect(r.stdout).toMatch(/liteinfer\.MatMul/); // Relu fused into MatMul
    expect(r.stdout).toMatch(/arena/);
  });

  it('runs a model on .npy inputs and writes .npy outputs', () => {
    const xFile = path.join(dir, 'x.npy');
    fs.writeFileSync(xFile, writeNpy(new Tensor('float32', new Float32Array([1, -2, 3, 0, 0, -1]), [2, 3])));
    const outFile = path.join(dir, 'y.npy');
    const r = cli('run', model(dir), '--input', `x=${xFile}`, '--output', outFile);
    expect(r.status, r.stderr).toBe(0);
    const y = readNpy(fs.readFileSync(outFile));
    expect(y.shape).toEqual([2, 2]);
    expect(Array.from(y.data as Float32Array)).toEqual([4, 1, 0, 0]);
    const missing = cli('run', model(dir));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/missing --input for 'x'/);
  });
});
