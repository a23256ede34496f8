// npm run prebuild:arm64 / prebuild:armv7: cross-compiles the addon with Debian's cross g++
// (cmake/toolchains/*.cmake) against the Node-API headers of the node-api-headers and
// node-addon-api packages (Node-API is ABI-stable, so no Node source or download is needed),
// strips it, and puts it where node-gyp-build looks on the board, in prebuildify's layout:
//   prebuilds/linux-arm64/liteinfer.napi.node, prebuilds/linux-arm/liteinfer.napi.node
// The build folder (build-arm64/, build-armv7/) is shared with npm run test:arm64/armv7.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { TARGETS, ensureToolchain, run, niced, root } = require('./arm-toolchain');

const which = process.argv[2] || 'arm64';
const t = TARGETS[which];
if (!t) {
  console.error(`unknown target ${which}: one of ${Object.keys(TARGETS).join(', ')}`);
  process.exit(2);
}
ensureToolchain(t, false);

const napiInclude = path.dirname(require.resolve('node-api-headers/include/node_api.h'));
run(...niced('cmake', ['-S', root, '-B', t.build, `-DCMAKE_TOOLCHAIN_FILE=${t.toolchain}`, '-DLITEINFER_TESTS=ON',
  '-DCMAKE_BUILD_TYPE=Release', `-DCMAKE_JS_INC=${napiInclude}`]), { stdio: ['ignore', 'ignore', 'inherit'] });
run(...niced('cmake', ['--build', t.build, '-j2', '--target', 'liteinfer']), { stdio: ['ignore', 'ignore', 'inherit'] });

const dir = path.join(root, 'prebuilds', `linux-${t.arch}`);
fs.mkdirSync(dir, { recursive: true });
const dest = path.join(dir, 'liteinfer.napi.node');
fs.copyFileSync(path.join(t.build, 'liteinfer.node'), dest);
run(`${t.triple}-strip`, ['--strip-unneeded', dest]);
console.log(`prebuild:${which}: ${path.relative(root, dest)} (${(fs.statSync(dest).size / 1024).toFixed(0)} KiB)`);
