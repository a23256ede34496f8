// Writes models/builtin.onnx, the model `liteinfer bench` runs when given no path: the
// MobileNetV2-style network from test/onnx/models.ts with seeded weights. Run with
// `npm run gen:builtin` (it compiles the generators first). The output is committed.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const { builtinModel } = require(path.join(root, '.cache', 'bench-dist', 'test', 'onnx', 'models.js'));
const out = path.join(root, 'models', 'builtin.onnx');
fs.mkdirSync(path.dirname(out), { recursive: true });
const { bytes } = builtinModel();
fs.writeFileSync(out, bytes);
console.log(`wrote ${out} (${bytes.length} bytes)`);
