// npm run test:arm64 / test:armv7: cross-compiles the C++ test binary (kernels against their
// references, loader, planner, ops, small whole networks) with Debian's cross g++ and runs it
// under qemu-user with the target's multiarch sysroot: first on the portable path
// (LITEINFER_CPU=generic), then on the best tier the build has (NEON on arm64; armv7 builds
// carry only the portable kernels, see docs/arm.md). Exits non-zero on any failure.
//   node scripts/test-arm.js [arm64|armv7] [test-name-filter]
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { TARGETS, ensureToolchain, run, niced, root } = require('./arm-toolchain');

const which = process.argv[2] || 'arm64';
const filter = process.argv[3];
const t = TARGETS[which];
if (!t) {
  console.error(`unknown target ${which}: one of ${Object.keys(TARGETS).join(', ')}`);
  process.exit(2);
}
ensureToolchain(t, true);

const start = Date.now();
// Configured exactly as scripts/prebuild-arm.js does, so both share one engine build.
const napiInclude = path.dirname(require.resolve('node-api-headers/include/node_api.h'));
run(...niced('cmake', ['-S', root, '-B', t.build, `-DCMAKE_TOOLCHAIN_FILE=${t.toolchain}`, '-DLITEINFER_TESTS=ON',
  '-DCMAKE_BUILD_TYPE=Release', `-DCMAKE_JS_INC=${napiInclude}`]), { stdio: ['ignore', 'ignore', 'inherit'] });
run(...niced('cmake', ['--build', t.build, '-j2', '--target', 'liteinfer_tests']), { stdio: ['ignore', 'ignore', 'inherit'] });
console.log(`test:${which}: built ${path.relative(root, path.join(t.build, 'liteinfer_tests'))} in ${((Date.now() - start) / 1000).toFixed(0)} s`);

const tiers = which === 'arm64' ? ['generic', 'neon'] : ['generic'];
let failed = 0;
const lines = [];
for (const tier of tiers) {
  const t0 = Date.now();
  const env = { ...process.env, LITEINFER_CPU: tier };
  const [cmd, args] = niced(t.qemu, ['-L', `/usr/${t.triple}`, path.join(t.build, 'liteinfer_tests'), ...(filter ? [filter] : [])]);
  const r = spawnSync(cmd, args, { cwd: root, env, encoding: 'utf8', maxBuffer: 64 << 20 });
  const out = `${r.stdout}${r.stderr}`;
  const banner = /liteinfer_tests on (.*)/.exec(r.stdout);
  const summary = /(\d+) passed, (\d+) failed/.exec(r.stdout);
  const secs = ((Date.now() - t0) / 1000).toFixed(0);
  if (r.status !== 0 || !summary || Number(summary[1]) === 0) {
    failed++;
    process.stdout.write(out);
    lines.push(`test:${which}: ${tier}: FAILED (${summary ? summary[0] : `exit ${r.status ?? r.signal}`}), ${secs} s under ${t.qemu}`);
  } else {
    for (const l of out.split('\n')) if (l.startsWith('FAIL')) console.log(l);
    lines.push(`test:${which}: ${banner ? banner[1] : tier}: ${summary[0]}, ${secs} s under ${t.qemu}`);
  }
  // The tier must be the one asked for: a NEON build that silently ran the portable path
  // would test nothing new.
  if (banner && !banner[1].includes(`(tier ${tier})`)) {
    failed++;
    lines.push(`test:${which}: expected tier ${tier}, the binary reports ${banner[1]}`);
  }
}
for (const l of lines) console.log(l);
process.exit(failed ? 1 : 0);
