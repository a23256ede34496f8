// `npm run bench`: liteinfer vs onnxruntime-node, side by side on this machine. Each model and
// thread count runs in fresh processes, alternating engines for several rounds; the table gives
// medians over all timed runs, the ratio (ORT median / liteinfer median: above 1 means liteinfer
// is faster), the model's GFLOP per run and each engine's GFLOP/s, liteinfer's share of the
// machine's fp32 FMA peak at that thread count, load times, peak RSS, and whether the outputs
// agree.
//
// Models: the built-in suite (test/onnx/models.ts), then every .onnx in .cache/models/ (real
// architectures from `npm run models`), then any .onnx given on the command line. A model that
// an engine cannot load is reported in the table (with the error's first line) and left out of
// the geomean.
//   npm run bench [-- model.onnx ...] [--threads 1,2] [--rounds 3] [--runs 20] [--warmup 3] [--only name,...]
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';

import * as models from '../test/onnx/models';
import { FeedSpec, geomean, median, readFeedsFile, rootDir, writeFeedsFile } from './common';

type Liteinfer = typeof import('../lib/index');

interface RunResult { engine: string; loadMs: number; times: number[]; peakRssBytes: number; output: number[] }
interface Entry { name: string; file: string; gflop?: number; flopsNote?: string }

function builtinSuite(): Array<{ name: string; model: models.GeneratedModel }> {
  return [
    // ResNet-18 and MobileNetV2 (width 1.0) shapes at 224x224, as deployed.
    { name: 'resnet18-style 224', model: models.resnetStyle({ size: 224, widths: [64, 128, 256, 512], blocks: [2, 2, 2, 2], classes: 1000 }) },
    { name: 'mobilenetv2-style 224', model: models.mobilenetV2Style({ size: 224, width: 1.0, classes: 1000 }) },
    { name: 'transformer-block s128 d256', model: models.transformerBlock({ seq: 128, dim: 256, heads: 4 }) },
    { name: 'resnet-style 64 (small)', model: models.resnetStyle({}) },
    { name: 'tiny-mlp', model: models.tinyMlp() },
  ];
}

function liteinfer(): Liteinfer {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(rootDir(), 'dist', 'index.js')) as Liteinfer;
}

/** A child's result, or the first line of its error (e.g. "LiteinferError: unsupported op: LSTM ..."). */
function runChild(engine: string, model: string, threads: number, runs: number, warmup: number): RunResult | string {
  const r = spawnSync(process.execPath, [path.join(__dirname, 'runner.js'), engine, model, String(threads), String(runs), String(warmup)],
    { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.status !== 0) {
    const first = (r.stderr || r.error?.message || `exit status ${r.status}`).split('\n').find((l) => l.trim()) ?? '';
    return first.trim().replace(/^(LiteinferError|Error): /, '');
  }
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as RunResult;
}

/** 1 decimal from 10 up, else 3 significant digits (the tiny MLP does 34 kFLOP). */
function fmt(x: number): string {
  return x >= 10 ? x.toFixed(1) : x.toPrecision(3);
}

function agreement(a: number[], b: number[]): number {
  let scale = 0;
  for (const v of b) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst / Math.max(scale, 1e-12);
}

/**
 * Inputs for a model without a feeds file, from liteinfer's view of its inputs or, when liteinfer
 * cannot load it, onnxruntime's; symbolic dims = 1, float values sin(0.37 i), int64 zeros.
 */
async function feedsFromModel(file: string): Promise<Record<string, FeedSpec>> {
  let inputs: Array<{ name: string; dtype: string; shape: ReadonlyArray<number | string> }>;
  try {
    const net = liteinfer().Network.loadSync(file, { threads: 1 });
    inputs = net.inputs.map((i) => ({ name: i.name, dtype: i.dtype, shape: i.shape ?? [] }));
    net.dispose();
  } catch {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ort = require('onnxruntime-node') as typeof import('onnxruntime-node');
    const session = await ort.InferenceSession.create(file);
    inputs = session.inputMetadata.map((m) => (m.isTensor ? { name: m.name, dtype: m.type, shape: m.shape } : { name: m.name, dtype: '?', shape: [] }));
    await session.release();
  }
  const feeds: Record<string, FeedSpec> = {};
  for (const input of inputs) {
    const shape = input.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : 1));
    const n = shape.reduce((a, b) => a * b, 1);
    if (input.dtype === 'int64') feeds[input.name] = { dtype: 'int64', shape, data: new BigInt64Array(n) };
    else if (input.dtype === 'float32') feeds[input.name] = { shape, data: Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37)) };
    else throw new Error(`${file}: input '${input.name}' has dtype ${input.dtype}; the bench feeds float32 and int64 only`);
  }
  return feeds;
}

/** GFLOP per run (Conv, Gemm, MatMul, recurrent gates) at the feeds' shapes, from liteinfer's modelFlops. */
function countFlops(entry: Entry): void {
  try {
    const feeds = readFeedsFile(entry.file + '.feeds.json');
    const shapes = Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, v.shape]));
    const info = liteinfer().modelFlops(entry.file, shapes);
    entry.gflop = info.flops / 1e9;
    if (info.unknownNodes.length) entry.flopsNote = `${info.unknownNodes.length} node(s) with unknown shapes not counted, e.g. ${info.unknownNodes[0]}`;
  } catch (e) {
    entry.flopsNote = `FLOPs unknown: ${String((e as Error).message ?? e).split('\n')[0]}`;
  }
}

async function collectEntries(userFiles: string[], only: string[] | undefined): Promise<Entry[]> {
  const cache = path.join(rootDir(), '.cache', 'bench');
  fs.mkdirSync(cache, { recursive: true });
  const entries: Entry[] = [];
  for (const { name, model } of builtinSuite()) {
    if (only && !only.includes(name)) continue;
    const file = path.join(cache, `${name}.onnx`);
    fs.writeFileSync(file, model.bytes);
    writeFeedsFile(file + '.feeds.json', model.makeFeeds(1) as Record<string, FeedSpec>);
    entries.push({ name, file });
  }
  // Real architectures from `npm run models` (scripts/export-models.py writes each feeds file).
  const exported = path.join(rootDir(), '.cache', 'models');
  const found = fs.existsSync(exported) ? fs.readdirSync(exported).filter((f) => f.endsWith('.onnx')).sort() : [];
  for (const f of found) {
    const name = path.basename(f, '.onnx');
    if (only && !only.includes(name)) continue;
    const file = path.join(exported, f);
    if (!fs.existsSync(file + '.feeds.json')) writeFeedsFile(file + '.feeds.json', await feedsFromModel(file));
    entries.push({ name, file });
  }
  for (const file of userFiles) {
    const name = path.basename(file, '.onnx');
    const copy = path.join(cache, `user-${name}.onnx`);
    fs.copyFileSync(file, copy);
    writeFeedsFile(copy + '.feeds.json', await feedsFromModel(copy));
    entries.push({ name, file: copy });
  }
  for (const e of entries) countFlops(e);
  return entries;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      threads: { type: 'string', default: '1,2' },
      rounds: { type: 'string', default: '3' },
      runs: { type: 'string', default: '20' },
      warmup: { type: 'string', default: '3' },
      only: { type: 'string' },
    },
  });
  const threadCounts = values.threads.split(',').map(Number);
  const rounds = Number(values.rounds);
  const runs = Number(values.runs);
  const warmup = Number(values.warmup);
  const only = values.only?.split(',').map((s) => s.trim());
  const entries = await collectEntries(positionals, only);
  if (!fs.existsSync(path.join(rootDir(), '.cache', 'models'))) {
    console.log('(no .cache/models/: `npm run models` exports the real architectures the bench also runs)\n');
  }

  // The machine's ceiling, measured before the models so nothing else of ours is running.
  const li = liteinfer();
  const peaks = new Map<number, number | null>();
  for (const t of threadCounts) peaks.set(t, li.fmaPeakGflops(t));
  const peakText = threadCounts.map((t) => {
    const p = peaks.get(t);
    return `${t} thread${t > 1 ? 's' : ''} ${p ? p.toFixed(1) : 'n/a'}`;
  }).join(', ');

  console.log(`liteinfer vs onnxruntime-node — ${os.cpus()[0]?.model ?? 'cpu'}, ${os.cpus().length} cores, ${new Date().toISOString().slice(0, 10)}`);
  console.log(`liteinfer ${li.cpuInfo().description}; fp32 FMA peak GFLOP/s: ${peakText}`);
  console.log(`${rounds} alternating rounds x ${runs} runs per engine; ratio = ORT median / liteinfer median (>1: liteinfer faster)`);
  console.log('GFLOP: 2 x multiply-adds of Conv, Gemm, MatMul (and LSTM/GRU gates) per run; % peak: liteinfer GFLOP/s / FMA peak at that thread count\n');
  const header = ['model', 'thr', 'liteinfer ms', 'ORT ms', 'ratio', 'GFLOP', 'GFLOP/s li / ORT', '% peak', 'load li/ORT ms', 'RSS li/ORT MB', 'max diff'];
  console.log(header.join(' | '));
  console.log(header.map(() => '---').join(' | '));
  const failures = new Map<string, string>();  // "model (engine)" -> first line of its error
  for (const threads of threadCounts) {
    const ratios: number[] = [];
    let skipped = 0;
    for (const entry of entries) {
      const { name, file, gflop } = entry;
      const li: RunResult[] = [];
      const ort: RunResult[] = [];
      let liError = failures.get(`${name}|liteinfer`);
      let ortError = failures.get(`${name}|ort`);
      for (let r = 0; r < rounds; r++) {
        if (!liError) {
          const res = runChild('liteinfer', file, threads, runs, warmup);
          if (typeof res === 'string') failures.set(`${name}|liteinfer`, (liError = res));
          else li.push(res);
        }
        if (!ortError) {
          const res = runChild('ort', file, threads, runs, warmup);
          if (typeof res === 'string') failures.set(`${name}|ort`, (ortError = res));
          else ort.push(res);
        }
      }
      const liMed = li.length ? median(li.flatMap((x) => x.times)) : NaN;
      const ortMed = ort.length ? median(ort.flatMap((x) => x.times)) : NaN;
      const ratio = ortMed / liMed;
      if (Number.isFinite(ratio)) ratios.push(ratio);
      else skipped++;
      const ms = (m: number, err: string | undefined) => (err ? 'load failed' : m.toFixed(3));
      const gflops = (m: number) => (gflop && Number.isFinite(m) ? fmt(gflop / (m / 1e3)) : '-');
      const peak = peaks.get(threads);
      const pct = gflop && peak && Number.isFinite(liMed) ? `${((100 * gflop) / (liMed / 1e3) / peak).toFixed(0)}%` : '-';
      const loadOf = (xs: RunResult[]) => (xs.length ? median(xs.map((x) => x.loadMs)).toFixed(1) : '-');
      const rssOf = (xs: RunResult[]) => (xs.length ? (Math.max(...xs.map((x) => x.peakRssBytes)) / 2 ** 20).toFixed(0) : '-');
      const load = `${loadOf(li)} / ${loadOf(ort)}`;
      const rss = `${rssOf(li)} / ${rssOf(ort)}`;
      const diff = li.length && ort.length ? agreement(li[0].output, ort[0].output).toExponential(1) : '-';
      console.log([name, threads, ms(liMed, liError), ms(ortMed, ortError), Number.isFinite(ratio) ? ratio.toFixed(2) + 'x' : '-',
        gflop ? fmt(gflop) : '-', `${gflops(liMed)} / ${gflops(ortMed)}`, pct, load, rss, diff].join(' | '));
    }
    const note = skipped ? ` (${skipped} model${skipped > 1 ? 's' : ''} without both engines left out)` : '';
    console.log(`geomean at ${threads} thread${threads > 1 ? 's' : ''}: ${ratios.length ? geomean(ratios).toFixed(2) : '-'}x over ${ratios.length} models${note}\n`);
  }
  const notes = entries.filter((e) => e.flopsNote).map((e) => `- ${e.name}: ${e.flopsNote}`);
  if (notes.length) console.log(`FLOPs notes:\n${notes.join('\n')}\n`);
  if (failures.size) {
    console.log('Load failures:');
    for (const [key, err] of failures) {
      const [name, engine] = key.split('|');
      console.log(`- ${name} (${engine === 'ort' ? 'onnxruntime-node' : 'liteinfer'}): ${err}`);
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
