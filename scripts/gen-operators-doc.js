// Writes docs/operators.md from the kernel registry of the built addon (supportedOps()), so
// the table always matches the code. Run: npm run docs:ops (--check: fail when the file differs)
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const { supportedOps } = require(path.join(root, 'dist', 'index.js'));

const ops = supportedOps();
// Type lists read better with the usual groups named.
const FLOATS = ['float32', 'float64', 'float16', 'bfloat16'];
const INTS = ['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64'];
function typeList(types) {
  if ([...FLOATS, ...INTS, 'bool', 'string'].every((t) => types.includes(t))) return 'all';
  const parts = [];
  let rest = types.slice();
  const take = (group, name) => {
    if (group.every((t) => rest.includes(t))) { parts.push(name); rest = rest.filter((t) => !group.includes(t)); }
  };
  take([...FLOATS, ...INTS], 'numeric');
  take(FLOATS, 'floats');
  take(INTS, 'integers');
  return [...parts, ...rest].join(', ') || '—';
}

const byDomain = new Map();
for (const op of ops) {
  if (!byDomain.has(op.domain)) byDomain.set(op.domain, new Map());
  const m = byDomain.get(op.domain);
  if (!m.has(op.opType)) m.set(op.opType, { ranges: [], info: op });
  m.get(op.opType).ranges.push([op.since, op.until]);
}
const lines = [
  '# Supported operators',
  '',
  'Generated from the kernel registry by `npm run docs:ops` (scripts/gen-operators-doc.js, from',
  '`supportedOps()`; types and SIMD paths come from cpp/ops/op_types.cc); do not edit.',
  '',
  '- An op outside this table fails at load time with an UNSUPPORTED_OP error naming the op, node and opset;',
  '  a type outside its list fails at load with an error naming the node, the input and the expected types.',
  '- **T**: the element types of the op\'s main input (the one its outputs follow); **outputs** is shown where',
  '  the outputs have other types. "numeric" = floats + integers; "floats" = float32, float64, float16,',
  '  bfloat16 (the 16-bit ones computed in float32); "integers" = int8-int64 and uint8-uint64; "all" = numeric,',
  '  bool and string.',
  '- **CPU paths**: every op has a portable C++ path; "AVX2" marks float32 kernels written for AVX2+FMA,',
  '  chosen at run time when the CPU has them (also on AVX-512 CPUs); "AVX-512" the ops whose float32 work',
  '  goes through the GEMM, which has an AVX-512 micro-kernel used on CPUs with AVX-512 F/DQ/BW/VL;',
  '  "NEON" the same on ARM.',
  '- `liteinfer` domain ops are fused nodes created by graph optimization, not found in model files.',
  '',
];
const SIMD_NAMES = { avx2: 'AVX2', avx512: 'AVX-512', neon: 'NEON' };
for (const [domain, m] of [...byDomain].sort()) {
  lines.push(`## ${domain}`, '', '| op | opsets | T | outputs | CPU paths | notes |', '|---|---|---|---|---|---|');
  for (const [op, { ranges, info }] of [...m].sort()) {
    const r = ranges.sort((a, b) => a[0] - b[0]).map(([s, u]) => (u >= 1000 ? `${s}+` : s === u ? `${s}` : `${s}-${u}`)).join(', ');
    const same = info.outputTypes.join() === info.types.join() && info.types.length > 0;
    const paths = ['portable', ...info.simd.map((p) => SIMD_NAMES[p] ?? p.toUpperCase())].join(', ');
    lines.push(`| ${op} | ${r} | ${typeList(info.types)} | ${same ? 'T' : typeList(info.outputTypes)} | ${paths} | ${info.note} |`);
  }
  lines.push('');
}
const file = path.join(root, 'docs', 'operators.md');
const text = lines.join('\n');
if (process.argv.includes('--check')) {
  // For the test suite: the committed table must match the registry.
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  if (current !== text) {
    console.error('docs/operators.md is out of date with the kernel registry: run npm run docs:ops');
    process.exit(1);
  }
  console.log(`docs/operators.md is current (${ops.length} registrations)`);
} else {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  console.log(`docs/operators.md: ${ops.length} registrations`);
}
