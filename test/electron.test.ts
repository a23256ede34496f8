// Electron's constraints on a native addon, tested in Node (Electron itself cannot be downloaded
// here; docs/electron.md): the addon is context-aware (per-instance data, no mutable static
// state in cpp/napi), loads and runs in several worker_threads at once (each a separate V8
// context, like Electron's renderer/utility processes and workers), and never creates an
// external ArrayBuffer (Electron's V8 memory cage rejects them): the build defines
// NODE_API_NO_EXTERNAL_BUFFERS_ALLOWED, so node-addon-api's external-buffer constructors do not
// compile, and the raw C calls appear nowhere in cpp/napi.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';

import { Network, Tensor } from '../dist/index.js';

const ROOT = path.join(__dirname, '..');
const NAPI = path.join(ROOT, 'cpp', 'napi');
const MODEL = path.join(ROOT, 'models', 'builtin.onnx');

function napiSources(): { file: string; text: string }[] {
  return fs.readdirSync(NAPI).filter((f) => /\.(cc|h)$/.test(f))
    .map((f) => ({ file: f, text: fs.readFileSync(path.join(NAPI, f), 'utf8') }));
}

/** The source without // comments and string literals, so prose does not trip the checks. */
function code(text: string): string {
  return text.replace(/\/\/.*$/gm, '').replace(/"(?:\\.|[^"\\])*"/g, '""');
}

describe('Electron: no external ArrayBuffers', () => {
  it('both build files define NODE_API_NO_EXTERNAL_BUFFERS_ALLOWED for the addon', () => {
    expect(fs.readFileSync(path.join(ROOT, 'CMakeLists.txt'), 'utf8')).toMatch(/NODE_API_NO_EXTERNAL_BUFFERS_ALLOWED/);
    expect(fs.readFileSync(path.join(ROOT, 'binding.gyp'), 'utf8')).toMatch(/NODE_API_NO_EXTERNAL_BUFFERS_ALLOWED/);
  });

  it('cpp/napi calls no external-buffer API (C or C++)', () => {
    const banned = [/napi_create_external_arraybuffer/, /napi_create_external_buffer/, /\bBuffer<[^>]*>::New\s*\(/,
      /\bBuffer<[^>]*>::NewOrCopy\s*\(/, /ArrayBuffer::New\s*\([^;]*,[^;]*,/];
    for (const { file, text } of napiSources())
      for (const re of banned) expect(code(text), `${file} matches ${re}`).not.toMatch(re);
  });

  it('the switch works: with it, an external ArrayBuffer does not compile', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liteinfer-noext-'));
    try {
      const src = path.join(dir, 'ext.cc');
      fs.writeFileSync(src, `#include <napi.h>
        static float data[4];
        Napi::Value f(Napi::Env env) { return Napi::ArrayBuffer::New(env, data, sizeof data); }\n`);
      const inc = [path.dirname(require.resolve('node-api-headers/include/node_api.h')), require('node-addon-api').include_dir as string];
      const compile = (defines: string[]) => spawnSync('g++', ['-std=c++17', '-fsyntax-only', ...inc.map((i) => `-I${path.resolve(ROOT, i)}`),
        '-DNAPI_VERSION=8', '-DNODE_ADDON_API_DISABLE_CPP_EXCEPTIONS', ...defines, src], { encoding: 'utf8' });
      expect(compile([]).status, compile([]).stderr).toBe(0);  // the snippet is fine without it
      const r = compile(['-DNODE_API_NO_EXTERNAL_BUFFERS_ALLOWED']);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/no matching function|ArrayBuffer::New/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('Electron: context-aware, several contexts at once', () => {
  it('cpp/napi keeps no mutable static or thread_local state (per-env data lives in AddonData)', () => {
    // A namespace- or function-scope variable declared static but not const: shared by every
    // context that loads the addon. Functions (a parenthesis before the ; or {) are fine.
    const mutableStatic = /^\s*static\s+(?!const\b|constexpr\b|inline\b)[\w:<>,\s*&]+?\s+\w+\s*(=[^(]*)?(;|\{)\s*$/m;
    for (const { file, text } of napiSources()) {
      expect(code(text), `${file}: mutable static`).not.toMatch(mutableStatic);
      expect(code(text), `${file}: thread_local`).not.toMatch(/\bthread_local\b/);
    }
    expect(fs.readFileSync(path.join(NAPI, 'addon.cc'), 'utf8')).toMatch(/SetInstanceData/);
  });

  it('six worker_threads load the addon at once, run the built-in model, and agree with the main thread', async () => {
    const net = await Network.load(MODEL, { threads: 1 });
    const inp = net.inputs[0];
    const shape = inp.shape.map((d) => (typeof d === 'number' ? d : 1));
    const n = shape.reduce((a, b) => a * b, 1);
    const data = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.01));
    const outName = net.outputs[0].name;
    // Main-thread runs go on while the workers load and run.
    const mainRuns = Promise.all([1, 2, 3].map(() => net.run({ [inp.name]: new Tensor('float32', data, shape) })));
    const script = `
      const { parentPort, workerData } = require('node:worker_threads');
      const { Network, Tensor } = require(${JSON.stringify(path.join(ROOT, 'dist/index.js'))});
      (async () => {
        const net = await Network.load(workerData.model, { threads: workerData.threads });
        const feeds = { [workerData.input]: new Tensor('float32', Float32Array.from(workerData.data), workerData.shape) };
        const a = await net.run(feeds);
        const b = net.runSync(feeds);
        const twin = net.clone({ threads: 1 });
        const c = await twin.run(feeds);
        parentPort.postMessage([a, b, c].map((o) => Array.from(o[workerData.output].data)));
        twin.dispose();
        net.dispose();
      })().catch((e) => { throw e; });`;
    const results = await Promise.all([1, 2, 1, 2, 1, 2].map((threads) => new Promise<number[][]>((resolve, reject) => {
      const w = new Worker(script, { eval: true, workerData: { model: MODEL, threads, input: inp.name, output: outName, data: Array.from(data), shape } });
      w.once('message', resolve);
      w.once('error', reject);
      w.once('exit', (code) => { if (code !== 0) reject(new Error(`worker exited with ${code}`)); });
    })));
    const expected = Array.from((await mainRuns)[0][outName].data as Float32Array);
    for (const r of await mainRuns) expect(Array.from(r[outName].data as Float32Array)).toEqual(expected);
    for (const r of results) for (const out of r) expect(out).toEqual(expected);
    net.dispose();
  }, 120_000);

  it('a worker terminated while loading and running leaves the other contexts working', async () => {
    const script = `
      const { Network } = require(${JSON.stringify(path.join(ROOT, 'dist/index.js'))});
      const { parentPort } = require('node:worker_threads');
      Network.load(${JSON.stringify(MODEL)}, { threads: 2 }).then((net) => {
        parentPort.postMessage('loaded');
        const inp = net.inputs[0];
        const shape = inp.shape.map((d) => (typeof d === 'number' ? d : 1));
        const n = shape.reduce((a, b) => a * b, 1);
        const { Tensor } = require(${JSON.stringify(path.join(ROOT, 'dist/index.js'))});
        for (let i = 0; i < 8; i++) net.run({ [inp.name]: new Tensor('float32', new Float32Array(n), shape) });
      });`;
    await Promise.all([0, 1, 2].map(() => new Promise<void>((resolve) => {
      const w = new Worker(script, { eval: true });
      w.once('message', () => void w.terminate().then(() => resolve()));
      w.once('error', () => resolve());
    })));
    const net = await Network.load(MODEL, { threads: 1 });
    const inp = net.inputs[0];
    const shape = inp.shape.map((d) => (typeof d === 'number' ? d : 1));
    const n = shape.reduce((a, b) => a * b, 1);
    const out = await net.run({ [inp.name]: new Tensor('float32', new Float32Array(n), shape) });
    expect(Object.keys(out)).toContain(net.outputs[0].name);
    net.dispose();
  }, 120_000);
});
