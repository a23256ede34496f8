// Writes models/builtin.onnx, the model `liteinfer bench` runs when given no path:
// builtinModel() from test/onnx/models.ts (MobileNetV2-style, seeded weights, < 1 MB).
// The output is committed; test/builder.test.ts fails when it no longer matches the generator.
//
//   node scripts/gen-builtin-model.js      (or npm run gen:builtin)
//
// It transpiles test/onnx/*.ts to CommonJS with the project's TypeScript (no type check, no
// tsconfig needed) into .cache/gen-builtin, then loads the generator from there.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

const root = path.join(__dirname, '..');
const src = path.join(root, 'test', 'onnx');
const out = path.join(root, '.cache', 'gen-builtin');
fs.mkdirSync(out, { recursive: true });
for (const file of fs.readdirSync(src).filter((f) => f.endsWith('.ts'))) {
  const { outputText } = ts.transpileModule(fs.readFileSync(path.join(src, file), 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    fileName: file,
  });
  fs.writeFileSync(path.join(out, file.replace(/\.ts$/, '.js')), outputText);
}

const { builtinModel } = require(path.join(out, 'models.js'));
const target = path.join(root, 'models', 'builtin.onnx');
fs.mkdirSync(path.dirname(target), { recursive: true });
const { bytes } = builtinModel();
fs.writeFileSync(target, bytes);
console.log(`wrote ${path.relative(root, target)} (${bytes.length} bytes)`);
