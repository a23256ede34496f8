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
import { imageToTensor, readLabels, resolvePreprocess, topK } from '../vision';
import { parseShapes, randomFeeds } from './feeds';

const BUILTIN_MODEL = path.join(__dirname, '..', '..', 'models', 'builtin.onnx');

const HELP: Record<string, string> = {
  main: `liteinfer ${version}: run ONNX models on the CPU from Node.js

Usage: liteinfer <command> [options]

Commands:
  bench [model.onnx]   time a model (the built-in MobileNet-style model when no path is given)
  inspect <model.onnx> inputs, outputs, opsets, op counts, parameters, planned memory
  run <model.onnx>     run a model on .npy inputs and write .npy outputs, or classify an image
  serve <model|folder> serve models over HTTP (Open Inference Protocol v2, KServe / Triton REST)

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
       liteinfer run <model.onnx> --image cat.jpg [--preprocess imagenet] [--labels labels.txt] [--top 5]

Runs the model once on inputs read from .npy files and writes the outputs as .npy; or, with
--image, decodes, resizes, center-crops and normalizes the image (needs sharp) into the model's
one input and prints the top classes of its first output (softmax when it is logits).

Options:
  --input name=file.npy   an input (repeatable; every model input is required)
  --output file.npy       where to write the output (models with one output)
  --output-dir DIR        write every output as DIR/<name>.npy
  --image FILE            classify this image instead of reading .npy inputs
  --preprocess SPEC       'imagenet' (default: resize to crop*256/224, center crop to the model's
                          H x W, ImageNet mean/std on 0..1, RGB, NCHW, float32), 'none', or a JSON
                          file {size, crop, mean, std, scale, channels, layout, dtype, kernel}
  --labels FILE           class names, one per line
  --top K                 classes to print (default 5)
  --json                  with --image: print {file, top: [{index, label, score}]} as JSON
  --threads N             threads (default: all cores)
  -h, --help              this help`,
  serve: `Usage: liteinfer serve <model.onnx | folder> [...] [options]

Serves ONNX models over HTTP with the Open Inference Protocol v2 (KServe v2 / Triton REST, with the
binary tensor extension). A model's name is its file name without .onnx; a folder serves every
.onnx in it. Routes: /v2/health/live, /v2/health/ready, /v2, /v2/models/{name}[/versions/1],
.../ready, .../infer, .../classify (an image in, top-K labels out), /metrics (Prometheus), /docs
(OpenAPI). SIGTERM or SIGINT stops accepting, finishes the requests in flight, and exits 0.
See docs/serving.md.

Options:
  --host HOST             interface to listen on (default 127.0.0.1; 0.0.0.0 for all)
  --port N                port (default 8000; 0 picks a free one)
  --threads N             threads per run (default: the cores divided among the instances)
  --instances N           Networks per model running in parallel, sharing weights (default 1)
  --max-batch N           rows per batched run for models with a dynamic batch dim (default 8;
                          1 disables batching)
  --batch-delay-ms N      longest wait for a batch to fill (default 2)
  --max-queue N           waiting requests per model before 503 + Retry-After (default 64)
  --max-body SIZE         largest request body, bytes or with k/M/G (default 64M); beyond: 413
  --timeout-ms N          per-request limit, arrival to answer (default 30000); beyond: 504
  --preprocess SPEC       image preprocessing for classify: 'imagenet' (default), 'none' or a
                          JSON file (see liteinfer run --help); name=SPEC for one model
  --labels FILE           class names for classify, one per line; name=FILE for one model
  --top K                 classes classify returns (default 5; a request may ask ?top=N)
  --strict                fail the start when a model fails to load (default: serve the others)
  --no-docs               no OpenAPI docs at /docs
  --log-level LEVEL       fatal, error, warn, info (default; logs each request), debug, silent
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
      image: { type: 'string' }, preprocess: { type: 'string' }, labels: { type: 'string' }, top: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  if (values.help) return void console.log(HELP.run);
  if (!positionals[0]) fail('run needs a model path (see liteinfer run --help)');
  const threads = values.threads === undefined ? undefined : positiveInt(values.threads, '--threads', 1);
  if (values.image === undefined) {
    for (const opt of ['preprocess', 'labels', 'top'] as const) if (values[opt] !== undefined) fail(`--${opt} needs --image`);
  } else if (values.input?.length) {
    fail('give either --image or --input, not both');
  }
  const net = await Network.load(positionals[0], { threads });
  if (values.image !== undefined) return classifyImage(net, values.image, values);
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

async function classifyImage(net: Network, image: string,
  values: { preprocess?: string; labels?: string; top?: string; json?: boolean }): Promise<void> {
  const top = positiveInt(values.top, '--top', 5);
  if (net.inputs.length !== 1) fail(`--image needs a model with one input; this one has ${net.inputs.length} (${net.inputs.map((i) => i.name).join(', ')})`);
  if (!fs.existsSync(image)) fail(`image not found: ${image}`);
  const labels = values.labels === undefined ? undefined : readLabels(values.labels);
  const input = net.inputs[0];
  const x = await imageToTensor(image, resolvePreprocess(values.preprocess ?? 'imagenet', input), input);
  const t0 = performance.now();
  const out = await net.run({ [input.name]: x }, { outputs: [net.outputs[0].name] });
  const ms = performance.now() - t0;
  net.dispose();
  const scores = out[net.outputs[0].name];
  if (scores.dtype !== 'float32' && scores.dtype !== 'float64') fail(`the first output is ${scores.dtype}, not class scores`);
  const best = topK(scores.data as Float32Array, Math.min(top, scores.size), labels);
  if (values.json) return void console.log(JSON.stringify({ file: image, top: best }, null, 2));
  console.log(`${image}  (input ${input.name} [${x.shape.join(', ')}], ${ms.toFixed(2)} ms)`);
  for (const p of best) console.log(`  ${p.score.toFixed(4)}  ${String(p.index).padStart(5)}  ${p.label}`);
}

/** Parses `--max-body 64M` style sizes (bytes, or k/M/G = 1024^n). */
function byteSize(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const m = /^(\d+)([kKmMgG]?)[bB]?$/.exec(value);
  if (!m || Number(m[1]) < 1) fail(`${name} must be a size in bytes (e.g. 1048576, 512k, 64M), got '${value}'`);
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Number(m[1]) * mult;
}

/** `--preprocess imagenet` for all models, `--preprocess name=spec.json` for one. */
function perModelOption(specs: string[] | undefined, models: string[]): string | Record<string, string> | undefined {
  if (!specs?.length) return undefined;
  const names = new Set(models);
  const global = specs.filter((s) => !names.has(s.split('=')[0]) || !s.includes('='));
  const named = specs.filter((s) => !global.includes(s));
  if (global.length > 1) fail(`give one default (got ${global.join(', ')}) and name=value for per-model values`);
  if (named.length === 0) return global[0];
  const out: Record<string, string> = {};
  for (const m of models) out[m] = global[0];
  for (const s of named) out[s.slice(0, s.indexOf('='))] = s.slice(s.indexOf('=') + 1);
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out;
}

async function serveCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: {
      host: { type: 'string' }, port: { type: 'string' }, threads: { type: 'string' }, instances: { type: 'string' },
      'max-batch': { type: 'string' }, 'batch-delay-ms': { type: 'string' }, 'max-queue': { type: 'string' },
      'max-body': { type: 'string' }, 'timeout-ms': { type: 'string' }, preprocess: { type: 'string', multiple: true },
      labels: { type: 'string', multiple: true }, top: { type: 'string' }, strict: { type: 'boolean' },
      'no-docs': { type: 'boolean' }, 'log-level': { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return void console.log(HELP.serve);
  if (positionals.length === 0) fail('serve needs a model or a folder of models (see liteinfer serve --help)');
  const nonNegative = (v: string | undefined, name: string, fallback: number) => {
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) fail(`${name} must be a non-negative integer, got '${v}'`);
    return n;
  };
  const level = values['log-level'] ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(level)) fail(`--log-level must be one of fatal, error, warn, info, debug, trace, silent; got '${level}'`);
  const port = nonNegative(values.port, '--port', 8000);
  if (port > 65535) fail(`--port must be at most 65535, got ${port}`);
  // Model names for name=value options: file names, and the .onnx files of folders.
  const names = positionals.flatMap((p) => fs.existsSync(p) && fs.statSync(p).isDirectory()
    ? fs.readdirSync(p).filter((f) => f.endsWith('.onnx')).map((f) => f.slice(0, -5)) : [path.basename(p).replace(/\.onnx$/, '')]);
  const { serve } = await import('../serve/server');
  const server = await serve({
    models: positionals,
    host: values.host,
    port,
    threads: values.threads === undefined ? undefined : positiveInt(values.threads, '--threads', 1),
    instances: positiveInt(values.instances, '--instances', 1),
    maxBatch: positiveInt(values['max-batch'], '--max-batch', 8),
    batchDelayMs: nonNegative(values['batch-delay-ms'], '--batch-delay-ms', 2),
    maxQueue: nonNegative(values['max-queue'], '--max-queue', 64),
    maxBodyBytes: byteSize(values['max-body'], '--max-body', 64 * 1024 * 1024),
    timeoutMs: positiveInt(values['timeout-ms'], '--timeout-ms', 30_000),
    preprocess: perModelOption(values.preprocess, names),
    labels: perModelOption(values.labels, names),
    top: positiveInt(values.top, '--top', 5),
    strict: values.strict ?? false,
    docs: !values['no-docs'],
    logger: { level },
  });
  const ready = server.models.filter((m) => m.ready).length;
  server.app.log.info({ url: server.url, models: ready, failed: server.models.length - ready }, `serving ${ready} of ${server.models.length} model(s) at ${server.url}`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      server.app.log.warn(`${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    server.app.log.info(`${signal}: finishing the requests in flight, then exiting`);
    server.close().then(() => process.exit(0), (err: unknown) => {
      process.stderr.write(`liteinfer: closing failed: ${(err as Error).message}\n`);
      process.exit(1);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  const commands: Record<string, (argv: string[]) => Promise<void>> = { bench, inspect, run, serve: serveCommand };
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
  const code = (err as { code?: string })?.code;
  if (err instanceof LiteinferError || code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || code === 'EADDRINUSE' || code === 'EACCES') {
    fail((err as Error).message);
  }
  throw err;
});
