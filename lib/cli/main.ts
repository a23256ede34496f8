#!/usr/bin/env node
// The `liteinfer` command: bench | inspect | run. Each subcommand has --help.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';

import { LiteinferError } from '../errors';
import { cpuInfo, version } from '../info';
import { Network } from '../network';
import { readNpy, writeNpy } from '../npy';
import { ProfileRow, summarizeProfile, toChromeTrace } from '../profile';
import { Tensor } from '../tensor';
import { parseShapes, randomFeeds } from './feeds';

const BUILTIN_MODEL = path.join(__dirname, '..', '..', 'models', 'builtin.onnx');

const HELP: Record<string, string> = {
  main: `liteinfer ${version}: run ONNX models on the CPU from Node.js

Usage: liteinfer <command> [options]

Commands:
  bench [model.onnx]   time a model (the built-in MobileNet-style model when no path is given)
  inspect <model.onnx> inputs, outputs, opsets, op counts, parameters, planned memory
  run <model.onnx>     run a model on .npy inputs and write .npy outputs

Run 'liteinfer <command> --help' for a command's options.`,
  bench: `Usage: liteinfer bench [model.onnx] [options]

Loads the model, runs it on random inputs and prints load time, first-run time, median and
p90 latency and runs per second. Without a model, benchmarks the built-in MobileNet-style model.

Options:
  --threads N         threads per run (default: all cores)
  --runs N            timed runs (default 50)
  --warmup N          untimed runs first (default 5)
  --shape name=dims   concrete shape for an input with symbolic dims, e.g. --shape x=1,3,224,224
                      (repeatable; symbolic dims default to 1)
  --profile           after the timed runs, profile 10 more (--profile-runs N) and print the time
                      per op type and the 15 slowest nodes (fused nodes show as liteinfer.*)
  --trace file.json   with --profile: also write a Chrome trace (chrome://tracing, ui.perfetto.dev)
  --json              print the results as JSON
  -h, --help          this help`,
  inspect: `Usage: liteinfer inspect <model.onnx> [options]

Prints the model's inputs and outputs, opset imports, op counts (in the file and after
optimization), parameter count and the planned memory for one run.

Options:
  --shape name=dims   concrete shape for symbolic dims when planning memory (default 1)
  --json              print as JSON
  -h, --help          this help`,
  run: `Usage: liteinfer run <model.onnx> --input name=file.npy [...] [--output out.npy | --output-dir DIR]

Runs the model once on inputs read from .npy files and writes the outputs as .npy.

Options:
  --input name=file.npy   an input (repeatable; every model input is required)
  --output file.npy       where to write the output (models with one output)
  --output-dir DIR        write every output as DIR/<name>.npy
  --threads N             threads (default: all cores)
  -h, --help              this help`,
};

function fail(message: string): never {
  process.stderr.write(`liteinfer: ${message}\n`);
  process.exit(2);
}

function positiveInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) fail(`${name} must be a positive integer, got '${value}'`);
  return n;
}

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

function progress(done: number, total: number, enabled: boolean): void {
  if (!enabled) return;
  const width = 30;
  const filled = Math.round((done / total) * width);
  process.stderr.write(`\r  [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`);
  if (done === total) process.stderr.write('\r' + ' '.repeat(width + 20) + '\r');
}

async function bench(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: {
      threads: { type: 'string' }, runs: { type: 'string' }, warmup: { type: 'string' },
      shape: { type: 'string', multiple: true }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      profile: { type: 'boolean' }, 'profile-runs': { type: 'string' }, trace: { type: 'string' },
    },
  });
  if (values.help) return void console.log(HELP.bench);
  if (values.trace && !values.profile) fail('--trace needs --profile');
  const model = positionals[0] ?? BUILTIN_MODEL;
  const runs = positiveInt(values.runs, '--runs', 50);
  const warmup = Number(values.warmup ?? 5);
  const threads = values.threads === undefined ? undefined : positiveInt(values.threads, '--threads', 1);

  const t0 = performance.now();
  const net = await Network.load(model, { threads });
  const loadMs = performance.now() - t0;
  const feeds = randomFeeds(net, parseShapes(values.shape));
  const t1 = performance.now();
  await net.run(feeds);
  const firstMs = performance.now() - t1;
  for (let i = 0; i < warmup; i++) await net.run(feeds);
  const times: number[] = [];
  const showProgress = process.stderr.isTTY === true && !values.json;
  const started = performance.now();
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    await net.run(feeds);
    times.push(performance.now() - s);
    progress(i + 1, runs, showProgress && performance.now() - started > 1000);
  }
  times.sort((a, b) => a - b);
  let profile: ReturnType<typeof summarizeProfile> | undefined;
  if (values.profile) {
    // Profiled separately so the timing above stays free of the clock reads.
    net.startProfiling();
    const profileRuns = positiveInt(values['profile-runs'], '--profile-runs', 10);
    for (let i = 0; i < profileRuns; i++) await net.run(feeds);
    const events = net.stopProfiling();
    profile = summarizeProfile(events);
    if (values.trace) fs.writeFileSync(values.trace, JSON.stringify(toChromeTrace(events, path.basename(model))));
  }
  const result = {
    model: positionals[0] ? path.resolve(model) : 'built-in (MobileNet-style)',
    cpu: cpuInfo().description,
    threads: net.threads,
    loadMs: round(loadMs), firstRunMs: round(firstMs),
    medianMs: round(percentile(times, 50)), p90Ms: round(percentile(times, 90)), minMs: round(times[0]),
    runsPerSecond: round(1000 / percentile(times, 50)),
    arenaBytes: net.memoryInfo().arenaBytes,
    runs,
    ...(profile ? { profile } : {}),
  };
  net.dispose();
  if (values.json) return void console.log(JSON.stringify(result, null, 2));
  console.log(`model      ${result.model}
cpu        ${result.cpu}
threads    ${result.threads}
load       ${result.loadMs} ms
first run  ${result.firstRunMs} ms
median     ${result.medianMs} ms   (p90 ${result.p90Ms} ms, min ${result.minMs} ms, ${runs} runs)
throughput ${result.runsPerSecond} runs/s
arena      ${formatBytes(result.arenaBytes)}`);
  if (profile) printProfile(profile, values.trace);
}

function printProfile(p: ReturnType<typeof summarizeProfile>, trace: string | undefined): void {
  const row = (r: ProfileRow, width: number) =>
    `  ${r.name.slice(0, width).padEnd(width)} ${(r.perRunUs / 1000).toFixed(3).padStart(9)} ms ${(r.share * 100).toFixed(1).padStart(5)}%  ${String(r.count / p.runs).padStart(4)}x`;
  console.log(`profile    ${p.runs} runs, ${(p.totalUs / p.runs / 1000).toFixed(3)} ms of node time per run`);
  console.log('  per op type                              per run    share  nodes');
  for (const r of p.byOp) console.log(row(r, 38));
  console.log('  slowest nodes                            per run    share');
  for (const r of p.byNode.slice(0, 15)) console.log(row(r, 38).replace(/\s+\d+x$/, '') + `  ${r.op}`);
  if (trace) console.log(`trace      ${path.resolve(trace)}`);
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(2)} MiB`;
}

function formatShape(shape: ReadonlyArray<number | string> | null): string {
  return shape ? `[${shape.join(', ')}]` : '(unknown rank)';
}

async function inspect(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: { shape: { type: 'string', multiple: true }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) return void console.log(HELP.inspect);
  if (!positionals[0]) fail('inspect needs a model path (see liteinfer inspect --help)');
  const net = await Network.load(positionals[0], { threads: 1 });
  const stats = net.stats();
  const memory = net.memoryInfo(randomFeeds(net, parseShapes(values.shape)));
  const info = {
    model: path.resolve(positionals[0]),
    producer: stats.producer,
    opsets: stats.opsets,
    inputs: net.inputs, outputs: net.outputs,
    parameters: stats.parameters,
    nodes: { inFile: stats.nodesInFile, afterOptimization: stats.nodesAfterOptimization },
    opCounts: stats.opCounts,
    memory,
  };
  net.dispose();
  if (values.json) return void console.log(JSON.stringify(info, null, 2));
  const lines = [
    `model       ${info.model}`,
    `producer    ${info.producer || '(none)'}`,
    `opsets      ${Object.entries(info.opsets).map(([d, v]) => `${d} ${v}`).join(', ')}`,
    'inputs',
    ...info.inputs.map((i) => `  ${i.name}: ${i.dtype} ${formatShape(i.shape)}`),
    'outputs',
    ...info.outputs.map((o) => `  ${o.name}: ${o.dtype} ${formatShape(o.shape)}`),
    `parameters  ${info.parameters.toLocaleString('en-US')}`,
    `nodes       ${info.nodes.inFile} in the file, ${info.nodes.afterOptimization} after optimization`,
    'ops (after optimization; liteinfer.* are fused nodes)',
    ...Object.entries(info.opCounts).sort((a, b) => b[1] - a[1]).map(([op, n]) => `  ${String(n).padStart(5)}  ${op}`),
    `memory      arena ${formatBytes(memory.arenaBytes)} planned for one run (intermediates ${formatBytes(memory.intermediateBytes)} unshared), weights ${formatBytes(memory.weightsBytes)}`,
  ];
  console.log(lines.join('\n'));
}

async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: {
      input: { type: 'string', multiple: true }, output: { type: 'string' }, 'output-dir': { type: 'string' },
      threads: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return void console.log(HELP.run);
  if (!positionals[0]) fail('run needs a model path (see liteinfer run --help)');
  const threads = values.threads === undefined ? undefined : positiveInt(values.threads, '--threads', 1);
  const net = await Network.load(positionals[0], { threads });
  const feeds: Record<string, Tensor> = {};
  for (const spec of values.input ?? []) {
    const eq = spec.indexOf('=');
    if (eq <= 0) fail(`--input expects name=file.npy, got '${spec}'`);
    const name = spec.slice(0, eq);
    const file = spec.slice(eq + 1);
    feeds[name] = readNpy(fs.readFileSync(file), file);
  }
  const missing = net.inputs.filter((i) => !(i.name in feeds)).map((i) => i.name);
  if (missing.length) fail(`missing --input for ${missing.map((m) => `'${m}'`).join(', ')}`);
  const t0 = performance.now();
  const out = await net.run(feeds);
  const ms = performance.now() - t0;
  net.dispose();
  const names = Object.keys(out);
  if (values.output && names.length !== 1) {
    fail(`the model has ${names.length} outputs (${names.join(', ')}): use --output-dir`);
  }
  for (const name of names) {
    const t = out[name];
    const preview = Array.from((t.data as ArrayLike<number | bigint>)).slice(0, 6).map(String).join(', ');
    console.log(`${name}: ${t.dtype} [${t.shape.join(', ')}]  ${preview}${t.size > 6 ? ', ...' : ''}`);
    const file = values.output ?? (values['output-dir'] ? path.join(values['output-dir'], `${name}.npy`) : undefined);
    if (file) {
      fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
      fs.writeFileSync(file, writeNpy(t));
      console.log(`  written to ${file}`);
    }
  }
  console.log(`(${ms.toFixed(2)} ms)`);
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  const commands: Record<string, (argv: string[]) => Promise<void>> = { bench, inspect, run };
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(HELP.main);
    return;
  }
  if (command === '--version' || command === '-v') return void console.log(version);
  const fn = commands[command];
  if (!fn) fail(`unknown command '${command}'\n\n${HELP.main}`);
  await fn(rest);
}

main().catch((err: unknown) => {
  if (err instanceof LiteinferError || (err as { code?: string })?.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    fail((err as Error).message);
  }
  throw err;
});
