// Shared by scripts/test-arm.js and scripts/prebuild-arm.js: the Debian cross toolchains and
// qemu-user per target, and a check that installs them with apt-get when run as root (CI is a
// clean Debian as root) or says what to install otherwise.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..');

// node-gyp-build's platform-arch folder names (process.arch on the board) for each target.
const TARGETS = {
  arm64: {
    triple: 'aarch64-linux-gnu',
    toolchain: path.join(root, 'cmake', 'toolchains', 'aarch64-linux-gnu.cmake'),
    qemu: 'qemu-aarch64',
    packages: ['g++-aarch64-linux-gnu', 'qemu-user'],
    arch: 'arm64',
    build: path.join(root, 'build-arm64'),
  },
  armv7: {
    triple: 'arm-linux-gnueabihf',
    toolchain: path.join(root, 'cmake', 'toolchains', 'arm-linux-gnueabihf.cmake'),
    qemu: 'qemu-arm',
    packages: ['g++-arm-linux-gnueabihf', 'qemu-user'],
    arch: 'arm',
    build: path.join(root, 'build-armv7'),
  },
};

function has(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (r.status !== 0) {
    console.error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal})`);
    process.exit(1);
  }
  return r;
}

// Makes sure the cross compiler (and qemu when `needQemu`) are there.
function ensureToolchain(t, needQemu) {
  const missing = [];
  if (!has(`${t.triple}-g++`)) missing.push(t.packages[0]);
  if (needQemu && !has(t.qemu)) missing.push('qemu-user');
  if (!has('cmake')) missing.push('cmake');
  if (missing.length === 0) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !has('apt-get')) {
    console.error(`missing: ${missing.join(' ')}. On Debian/Ubuntu: sudo apt-get install -y ${missing.join(' ')}`);
    process.exit(1);
  }
  console.log(`installing ${missing.join(' ')} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env });
  run('apt-get', ['install', '-y', '-qq', ...missing], { env });
}

// `nice -n 10 cmd args...` where nice exists (builds share the machine).
function niced(cmd, args) {
  return has('nice') ? ['nice', ['-n', '10', cmd, ...args]] : [cmd, args];
}

module.exports = { TARGETS, ensureToolchain, run, niced, has, root };
