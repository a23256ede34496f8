// Writes docs/operators.md from the kernel registry of the built addon (supportedOps()), so
// the table always matches the code. Run: npm run docs:ops
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const { supportedOps } = require(path.join(root, 'dist', 'index.js'));

// Op families with SIMD (AVX2+FMA) kernels besides the reference path; the rest run portable
// C++ that the compiler vectorizes at the baseline ISA.
const AVX2 = new Set([
  'Add', 'Sub', 'Mul', 'Div', 'Max', 'Min', 'Relu', 'LeakyRelu', 'Clip', 'Sigmoid', 'Tanh', 'HardSigmoid',
  'HardSwish', 'Erf', 'Exp', 'Softmax', 'LogSoftmax', 'Gemm', 'MatMul', 'Conv', 'Transpose',
]);

const ops = supportedOps();
const byDomain = new Map();
for (const op of ops) {
  if (!byDomain.has(op.domain)) byDomain.set(op.domain, new Map());
  const m = byDomain.get(op.domain);
  if (!m.has(op.opType)) m.set(op.opType, []);
  m.get(op.opType).push([op.since, op.until]);
}
const lines = [
  '# Supported operators',
  '',
  'Generated from the kernel registry by `npm run docs:ops` (scripts/gen-operators-doc.js); do not edit.',
  'An op outside this table fails at load time with an UNSUPPORTED_OP error naming the op, node and opset.',
  'Every op has a portable reference path; "AVX2" marks ops with AVX2+FMA kernels chosen at run time.',
  '`liteinfer` domain ops are fused nodes created by graph optimization, not found in model files.',
  '',
];
for (const [domain, m] of [...byDomain].sort()) {
  lines.push(`## ${domain}`, '', '| op | opsets | CPU paths |', '|---|---|---|');
  for (const [op, ranges] of [...m].sort()) {
    const r = ranges.sort((a, b) => a[0] - b[0]).map(([s, u]) => (u >= 1000 ? `${s}+` : s === u ? `${s}` : `${s}-${u}`)).join(', ');
    lines.push(`| ${op} | ${r} | reference${AVX2.has(op) ? ', AVX2' : ''} |`);
  }
  lines.push('');
}
fs.mkdirSync(path.join(root, 'docs'), { recursive: true });
fs.writeFileSync(path.join(root, 'docs', 'operators.md'), lines.join('\n'));
console.log(`docs/operators.md: ${ops.length} registrations`);
