// npm run test:arm64:node: the real addon (prebuilds/linux-arm64, from npm run prebuild:arm64)
// loaded by an arm64 Node.js under qemu-aarch64, running the built-in model through the public
// API (dist/), on the portable path and on NEON; each output must match this machine's x64
// build to 1e-4 of the output's magnitude (different kernels round differently).
// The arm64 Node.js is Debian's nodejs package for arm64 and its libraries, fetched with
// apt-get through the configured Debian mirror into .cache/arm64-node/ with a private apt
// configuration (the system's dpkg architectures and package lists are left alone), unpacked
// with dpkg-deb beside a copy of the cross toolchain's sysroot, and run as qemu-aarch64 -L <it>.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { run, has, root } = require('./arm-toolchain');

const cache = path.join(root, '.cache', 'arm64-node');
const sysroot = path.join(cache, 'root');
const nodeBin = path.join(sysroot, 'usr', 'bin', 'node');
const PACKAGES = ['nodejs', 'libnode108', 'libbrotli1', 'libc-ares2', 'libicu72', 'libnghttp2-14', 'libssl3', 'libuv1',
  'zlib1g', 'node-acorn', 'node-busboy', 'node-cjs-module-lexer', 'node-undici', 'node-xtend'];

function prepareNode() {
  if (fs.existsSync(nodeBin)) return;
  if (!has('qemu-aarch64') || !fs.existsSync('/usr/aarch64-linux-gnu/lib')) {
    console.error('test:arm64:node needs qemu-user and g++-aarch64-linux-gnu (run npm run test:arm64 first)');
    process.exit(1);
  }
  const aptDir = path.join(cache, 'apt');
  for (const d of ['lists/partial', 'cache/archives/partial', 'debs']) fs.mkdirSync(path.join(aptDir, d), { recursive: true });
  fs.writeFileSync(path.join(aptDir, 'status'), '');
  fs.writeFileSync(path.join(aptDir, 'apt.conf'), [
    'APT::Architecture "arm64";', 'APT::Architectures { "arm64"; };',
    `Dir::State::Lists "${aptDir}/lists";`, `Dir::State::status "${aptDir}/status";`, `Dir::Cache "${aptDir}/cache";`, '',
  ].join('\n'));
  const env = { ...process.env, APT_CONFIG: path.join(aptDir, 'apt.conf') };
  run('apt-get', ['update', '-qq'], { env });
  run('apt-get', ['download', '-qq', ...PACKAGES], { env, cwd: path.join(aptDir, 'debs') });
  fs.rmSync(sysroot, { recursive: true, force: true });
  fs.mkdirSync(path.join(sysroot, 'lib'), { recursive: true });
  for (const deb of fs.readdirSync(path.join(aptDir, 'debs')).filter((f) => f.endsWith('.deb')))
    run('dpkg-deb', ['-x', path.join(aptDir, 'debs', deb), sysroot]);
  // The toolchain's glibc and libstdc++ (Debian's own arm64 ones, cross-packaged).
  fs.cpSync('/usr/aarch64-linux-gnu/lib', path.join(sysroot, 'lib'), { recursive: true, force: false, errorOnExist: false });
}

const SCRIPT = `
  const { Network, Tensor, cpuInfo } = require('./dist/index.js');
  (async () => {
    const net = await Network.load('models/builtin.onnx', { threads: 2 });
    const inp = net.inputs[0];
    const shape = inp.shape.map((d) => (typeof d === 'number' ? d : 1));
    const n = shape.reduce((a, b) => a * b, 1);
    const data = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.01));
    const out = await net.run({ [inp.name]: new Tensor('float32', data, shape) });
    const info = typeof cpuInfo === 'function' ? cpuInfo() : null;
    console.log(JSON.stringify({ arch: process.arch, info, out: Array.from(out[net.outputs[0].name].data) }));
  })().catch((e) => { console.error(e); process.exit(1); });`;

function runIn(dir, argv0, args, env) {
  const r = spawnSync(argv0, [...args, '-e', SCRIPT], { cwd: dir, env: { ...process.env, ...env }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${argv0} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

const prebuild = path.join(root, 'prebuilds', 'linux-arm64');
if (!fs.existsSync(prebuild)) run(process.execPath, [path.join(root, 'scripts', 'prebuild-arm.js'), 'arm64']);
if (!fs.existsSync(path.join(root, 'dist', 'index.js'))) run('npm', ['run', 'build:ts']);
prepareNode();

// A package folder with the prebuild and no build/ folder, so node-gyp-build can only pick it.
const pkg = fs.mkdtempSync(path.join(os.tmpdir(), 'liteinfer-arm64-'));
try {
  for (const f of ['package.json']) fs.copyFileSync(path.join(root, f), path.join(pkg, f));
  for (const d of ['dist', 'models']) fs.cpSync(path.join(root, d), path.join(pkg, d), { recursive: true });
  fs.cpSync(prebuild, path.join(pkg, 'prebuilds', 'linux-arm64'), { recursive: true });
  fs.mkdirSync(path.join(pkg, 'node_modules'));
  fs.cpSync(path.join(root, 'node_modules', 'node-gyp-build'), path.join(pkg, 'node_modules', 'node-gyp-build'), { recursive: true });

  const x64 = runIn(root, process.execPath, [], {});
  const qemu = ['-L', sysroot, '-E', 'LD_LIBRARY_PATH=/usr/lib/aarch64-linux-gnu:/lib/aarch64-linux-gnu:/lib', nodeBin];
  let failed = 0;
  for (const tier of ['generic', 'neon']) {
    const t0 = Date.now();
    const arm = runIn(pkg, 'qemu-aarch64', qemu, { LITEINFER_CPU: tier });
    const scale = Math.max(...x64.out.map(Math.abs));
    let worst = 0;
    for (let i = 0; i < x64.out.length; i++) worst = Math.max(worst, Math.abs(arm.out[i] - x64.out[i]) / scale);
    const ok = arm.arch === 'arm64' && arm.out.length === x64.out.length && worst <= 1e-4 &&
      (!arm.info || JSON.stringify(arm.info).includes(tier));
    if (!ok) failed++;
    console.log(`test:arm64:node: ${ok ? 'ok' : 'FAILED'} ${tier}: arm64 Node on ${arm.info ? arm.info.description : "?"}, ` +
      `${arm.out.length} outputs, max diff ${worst.toExponential(2)} of max |y| vs x64, ${((Date.now() - t0) / 1000).toFixed(0)} s under qemu`);
  }
  console.log(`${2 - failed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
} finally {
  fs.rmSync(pkg, { recursive: true, force: true });
}
