#!/usr/bin/env node
// npm run fuzz: builds the libFuzzer loader target (test/fuzz/fuzz_loader.cc: bytes -> load ->
// plan -> run) with clang, ASan and UBSan into build-fuzz/, writes the seed models, and fuzzes.
//
//   npm run fuzz                         # 60 s
//   npm run fuzz -- --seconds 1800       # longer, by hand
//   npm run fuzz -- --jobs 2             # parallel workers (libFuzzer -fork)
//   npm run fuzz -- --keep-going         # collect every crash/leak/timeout instead of stopping at the first
//   npm run fuzz -- --reproduce crash-…  # run one input once (a crash prints its stack)
//
// Seeds (.cache/fuzz/seeds, regenerated each time, nothing committed): the small models of
// test/fuzz/seeds.ts, built with the test graph builder, and every ONNX backend case model in
// .cache/onnx-backend (node scripts/conformance-data.js) when present. The corpus the fuzzer
// grows is kept in .cache/fuzz/corpus across runs; crashes, leaks and timeouts are written to
// .cache/fuzz/artifacts/ and fail the run (exit 1). Clang and its fuzzer runtime come from
// Debian (clang, libclang-rt-<version>-dev): installed with apt-get when missing and run as
// root (CI), otherwise the script says what to install.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const BUILD = path.join(ROOT, 'build-fuzz');
const CACHE = path.join(ROOT, '.cache', 'fuzz');
const SEEDS = path.join(CACHE, 'seeds');
const CORPUS = path.join(CACHE, 'corpus');
const ARTIFACTS = path.join(CACHE, 'artifacts');
const TARGET = path.join(BUILD, 'liteinfer_fuzz_loader');

function usage(msg) {
  if (msg) console.error(`fuzz: ${msg}`);
  console.error('usage: npm run fuzz -- [--seconds N] [--jobs N] [--keep-going] [--no-build] [--reproduce FILE...]');
  process.exit(2);
}

const opts = { seconds: 60, jobs: 1, build: true, keepGoing: false, reproduce: [] };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const value = () => (i + 1 < argv.length ? argv[++i] : usage(`${a} needs a value`));
  if (a === '--seconds') opts.seconds = Number(value());
  else if (a === '--jobs') opts.jobs = Number(value());
  else if (a === '--no-build') opts.build = false;
  else if (a === '--keep-going') opts.keepGoing = true;
  else if (a === '--reproduce') opts.reproduce.push(path.resolve(value()));
  else if (a === '--help' || a === '-h') usage();
  else usage(`unknown argument ${a}`);
}
if (!Number.isInteger(opts.seconds) || opts.seconds < 1) usage('--seconds must be a positive integer');
if (!Number.isInteger(opts.jobs) || opts.jobs < 1) usage('--jobs must be a positive integer');

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', ...options });
  if (r.error) throw r.error;
  return r.status ?? 1;
}
function must(cmd, args, options) {
  const status = run(cmd, args, options);
  if (status !== 0 || (opts.keepGoing && found.length)) {
    console.error(`fuzz: ${cmd} ${args.join(' ')} failed (${status})`);
    process.exit(1);
  }
}
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

// clang++ and libFuzzer's runtime (a probe program that links -fsanitize=fuzzer).
function fuzzerWorks() {
  if (!has('clang++')) return false;
  const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'li-fuzz-probe-'));
  const src = path.join(dir, 'p.cc');
  fs.writeFileSync(src, 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }\n');
  const r = spawnSync('clang++', ['-fsanitize=fuzzer', src, '-o', path.join(dir, 'p')], { stdio: 'ignore' });
  fs.rmSync(dir, { recursive: true, force: true });
  return r.status === 0;
}

function ensureClang() {
  if (fuzzerWorks()) return;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (root && has('apt-get')) {
    // Debian 12 ships clang 14; its libFuzzer runtime is in libclang-rt-14-dev.
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    must('apt-get', ['update', '-qq'], { env });
    const version = spawnSync('sh', ['-c', "apt-cache depends clang | sed -n 's/.*Depends: clang-\\([0-9]*\\)$/\\1/p' | head -1"],
      { encoding: 'utf8' }).stdout.trim() || '14';
    must('apt-get', ['install', '-y', '-qq', 'clang', `libclang-rt-${version}-dev`], { env });
    if (fuzzerWorks()) return;
  }
  console.error('fuzz: needs clang++ with libFuzzer; on Debian: apt-get install clang libclang-rt-14-dev');
  process.exit(1);
}

function build() {
  must('cmake', ['-S', ROOT, '-B', BUILD, '-DLITEINFER_FUZZ=ON', '-DCMAKE_BUILD_TYPE=RelWithDebInfo',
    '-DCMAKE_CXX_COMPILER=clang++']);
  must('cmake', ['--build', BUILD, '-j2', '--target', 'liteinfer_fuzz_loader']);
}

// The seed models: test/fuzz/seeds.ts (transpiled with the project's TypeScript, no type check)
// and the ONNX backend cases.
function writeSeeds() {
  const ts = require('typescript');
  const gen = path.join(CACHE, 'gen');
  for (const dir of ['onnx', 'fuzz']) {
    const src = path.join(ROOT, 'test', dir);
    fs.mkdirSync(path.join(gen, dir), { recursive: true });
    for (const file of fs.readdirSync(src).filter((f) => f.endsWith('.ts'))) {
      const { outputText } = ts.transpileModule(fs.readFileSync(path.join(src, file), 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
        fileName: file,
      });
      fs.writeFileSync(path.join(gen, dir, file.replace(/\.ts$/, '.js')), outputText);
    }
  }
  fs.rmSync(SEEDS, { recursive: true, force: true });
  fs.mkdirSync(SEEDS, { recursive: true });
  const { fuzzSeeds } = require(path.join(gen, 'fuzz', 'seeds.js'));
  let count = 0;
  for (const s of fuzzSeeds()) {
    fs.writeFileSync(path.join(SEEDS, `${s.name}.onnx`), s.bytes);
    count++;
  }
  // ONNX backend cases: each test_*/model.onnx (small: one op each); skip the few big ones.
  const backend = path.join(ROOT, '.cache', 'onnx-backend');
  let cases = 0;
  if (fs.existsSync(backend)) {
    const walk = (dir) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name === 'model.onnx' && fs.statSync(p).size <= 64 * 1024) {
          fs.copyFileSync(p, path.join(SEEDS, `backend_${path.basename(path.dirname(p))}.onnx`));
          cases++;
        }
      }
    };
    walk(backend);
  }
  console.log(`fuzz: ${count} builder seeds${cases ? ` and ${cases} ONNX backend cases` : ' (no .cache/onnx-backend: run node scripts/conformance-data.js for more)'} in ${path.relative(ROOT, SEEDS)}`);
}

ensureClang();
if (opts.build || !fs.existsSync(TARGET)) build();

// UBSan halts with a stack on its first report; ASan's leak check runs after each input.
const env = {
  ...process.env,
  ASAN_OPTIONS: 'detect_leaks=1:allocator_may_return_null=0:abort_on_error=0',
  UBSAN_OPTIONS: 'halt_on_error=1:print_stacktrace=1',
};
if (opts.reproduce.length) {
  process.exit(run(TARGET, ['-runs=1', ...opts.reproduce], { env }) === 0 ? 0 : 1);
}

writeSeeds();
fs.mkdirSync(CORPUS, { recursive: true });
fs.mkdirSync(ARTIFACTS, { recursive: true });
const args = [
  `-max_total_time=${opts.seconds}`,
  '-timeout=10',              // seconds per input: a slower one is reported as a bug
  '-rss_limit_mb=2048',
  '-malloc_limit_mb=1024',    // one allocation past this is a bug: limits must refuse first
  '-max_len=65536',
  '-print_final_stats=1',
  `-artifact_prefix=${ARTIFACTS}/`,
];
if (opts.keepGoing) args.push(`-fork=${opts.jobs}`, '-ignore_crashes=1', '-ignore_timeouts=1', '-ignore_ooms=1');
else if (opts.jobs > 1) args.push(`-fork=${opts.jobs}`);
console.log(`fuzz: ${path.relative(ROOT, TARGET)} for ${opts.seconds} s (corpus ${path.relative(ROOT, CORPUS)})`);
const artifacts = () => fs.readdirSync(ARTIFACTS).filter((f) => /^(crash|leak|timeout|oom)-/.test(f));
const before = new Set(artifacts());
const status = run(TARGET, [...args, CORPUS, SEEDS], { env });
const found = artifacts().filter((f) => !before.has(f));  // this run's
console.log(`fuzz: corpus ${fs.readdirSync(CORPUS).length} inputs; ${found.length} new artifact(s) in ${path.relative(ROOT, ARTIFACTS)}`);
if (status !== 0 || (opts.keepGoing && found.length)) {
  console.error(`fuzz: ${status !== 0 ? `the fuzzer stopped with status ${status}` : `${found.length} input(s) crashed, leaked or timed out`}: ` +
    'reproduce with npm run fuzz -- --no-build --reproduce <artifact>');
  process.exit(1);
}
