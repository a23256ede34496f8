#!/usr/bin/env node
// npm install hook: use a prebuilt binary (prebuilds/<platform>-<arch>/) when one loads here,
// else build from source with cmake-js, explaining what is missing when the toolchain is not
// there. LITEINFER_BUILD_FROM_SOURCE=1 skips the prebuild check.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..');

function prebuildLoads() {
  if (process.env.LITEINFER_BUILD_FROM_SOURCE) return false;
  try {
    const r = spawnSync(process.execPath, ['-e', `require('node-gyp-build')(${JSON.stringify(root)}).cpuInfo()`], {
      stdio: 'ignore',
    });
    return r.status === 0;
  } catch {
    return false;
  }
}

function has(cmd, args = ['--version']) {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

if (prebuildLoads()) {
  console.log('liteinfer: using the existing native binary');
  process.exit(0);
}

const missing = [];
if (!has('cmake')) missing.push('CMake 3.19+ (Debian/Ubuntu: apt-get install cmake)');
if (!has(process.env.CXX || 'c++') && !has('g++') && !has('clang++')) {
  missing.push('a C++17 compiler (Debian/Ubuntu: apt-get install g++)');
}
if (missing.length) {
  console.error(`liteinfer: no prebuilt binary fits ${process.platform}-${process.arch}, and building from source needs:\n` +
    missing.map((m) => `  - ${m}`).join('\n'));
  process.exit(1);
}

const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
const env = { ...process.env };
env.CMAKE_BUILD_PARALLEL_LEVEL ??= String(require('node:os').availableParallelism?.() ?? 2);
const r = spawnSync(process.execPath, [cmakeJs, 'compile', '--CDCMAKE_BUILD_TYPE=Release'], { cwd: root, stdio: 'inherit', env });
process.exit(r.status ?? 1);
