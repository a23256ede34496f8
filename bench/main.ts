// `npm run bench`: liteinfer vs onnxruntime-node, side by side on this machine. Each model and
// thread count runs in fresh processes, alternating engines for several rounds; the table gives
// medians over all timed runs, the ratio (ORT median / liteinfer median: above 1 means liteinfer
// is faster), load times, peak RSS, and whether the outputs agree.
//   npm run bench [-- model.onnx ...] [--threads 1,2] [--rounds 3] [--runs 20]
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';

import * as models from '../test/onnx/models';
import { FeedSpec, geomean, median, rootDir, writeFeedsFile } from './common';

interface RunResult { engine: string; loadMs: number; times: number[]; peakRssBytes: number; output: number[] }

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

function runChild(engine: string, model: string, threads: number, runs: number, warmup: number): RunResult {
  const r = spawnSync(process.execPath, [path.join(__dirname, 'runner.js'), engine, model, String(threads), String(runs), String(warmup)],
    { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`${engine} failed on ${model}:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as RunResult;
}

function agreement(a: number[], b: number[]): number {
  let scale = 0;
  for (const v of b) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst / Math.max(scale, 1e-12);
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { threads: { type: 'string', default: '1,2' }, rounds: { type: 'string', default: '3' }, runs: { type: 'string', default: '20' } },
  });
  const threadCounts = values.threads.split(',').map(Number);
  const rounds = Number(values.rounds);
  const runs = Number(values.runs);
  const cache = path.join(rootDir(), '.cache', 'bench');
  fs.mkdirSync(cache, { recursive: true });

  const entries: Array<{ name: string; file: string }> = [];
  for (const { name, model } of builtinSuite()) {
    const file = path.join(cache, `${name}.onnx`);
    fs.writeFileSync(file, model.bytes);
    writeFeedsFile(file + '.feeds.json', model.makeFeeds(1) as Record<string, FeedSpec>);
    entries.push({ name, file });
  }
  for (const file of positionals) {
    const name = path.basename(file, '.onnx');
    const copy = path.join(cache, `user-${name}.onnx`);
    fs.copyFileSync(file, copy);
    entries.push({ name, file: copy });
    // Inputs for a user model: from liteinfer's view of it, symbolic dims = 1.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const li = require(path.join(rootDir(), 'dist', 'index.js')) as typeof import('../lib/index');
    const net = li.Network.loadSync(copy, { threads: 1 });
    const feeds: Record<string, FeedSpec> = {};
    for (const input of net.inputs) {
      const shape = (input.shape ?? []).map((d) => (typeof d === 'number' ? d : 1));
      const n = shape.reduce((a, b) => a * b, 1);
      feeds[input.name] = { shape, data: Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37)) };
    }
    net.dispose();
    writeFeedsFile(copy + '.feeds.json', feeds);
  }

  console.log(`liteinfer vs onnxruntime-node — ${os.cpus()[0]?.model ?? 'cpu'}, ${os.cpus().length} cores, ${new Date().toISOString().slice(0, 10)}`);
  console.log(`${rounds} alternating rounds x ${runs} runs per engine; ratio = ORT median / liteinfer median (>1: liteinfer faster)\n`);
  const header = ['model', 'thr', 'liteinfer ms', 'ORT ms', 'ratio', 'load li/ORT ms', 'RSS li/ORT MB', 'max diff'];
  console.log(header.join(' | '));
  console.log(header.map(() => '---').join(' | '));
  for (const threads of threadCounts) {
    const ratios: number[] = [];
    for (const { name, file } of entries) {
      const li: RunResult[] = [];
      const ort: RunResult[] = [];
      for (let r = 0; r < rounds; r++) {
        li.push(runChild('liteinfer', file, threads, runs, 3));
        ort.push(runChild('ort', file, threads, runs, 3));
      }
      const liMed = median(li.flatMap((x) => x.times));
      const ortMed = median(ort.flatMap((x) => x.times));
      const ratio = ortMed / liMed;
      ratios.push(ratio);
      const load = `${median(li.map((x) => x.loadMs)).toFixed(1)} / ${median(ort.map((x) => x.loadMs)).toFixed(1)}`;
      const rss = `${(Math.max(...li.map((x) => x.peakRssBytes)) / 2 ** 20).toFixed(0)} / ${(Math.max(...ort.map((x) => x.peakRssBytes)) / 2 ** 20).toFixed(0)}`;
      const diff = agreement(li[0].output, ort[0].output);
      console.log([name, threads, liMed.toFixed(3), ortMed.toFixed(3), ratio.toFixed(2) + 'x', load, rss, diff.toExponential(1)].join(' | '));
    }
    console.log(`geomean at ${threads} thread${threads > 1 ? 's' : ''}: ${geomean(ratios).toFixed(2)}x\n`);
  }
}

main();
