// Whole networks against onnxruntime-node: ResNet-style, MobileNetV2-style (depthwise, ReLU6,
// residuals), a transformer block (static and symbolic dims), the built-in model, batch > 1.
// Agreement: max |liteinfer - ORT| <= 1e-4 * max |ORT| (relative to the output's magnitude).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

import { Network, Tensor } from '../dist/index.js';
import { fromFloat16Bits, GraphBuilder, toFloat16Bits } from './onnx/builder';
import * as models from './onnx/models';
import { ortRun } from './oracle';

const CASES: Array<[string, () => models.GeneratedModel]> = [
  ['resnet-style', () => models.resnetStyle({})],
  ['resnet-style batch 2, 3 blocks', () => models.resnetStyle({ batch: 2, size: 40, blocks: [1, 2, 1, 1] })],
  ['mobilenetv2-style', () => models.mobilenetV2Style({})],
  ['efficientnet-style (SiLU, squeeze-excitation)', () => models.efficientnetStyle({})],
  ['transformer block', () => models.transformerBlock({})],
  ['transformer block, symbolic dims', () => models.transformerBlock({ symbolic: true, batch: 2, seq: 17 })],
  ['tiny mlp', () => models.tinyMlp()],
];

async function compare(model: models.GeneratedModel, threads: number) {
  const feeds = model.makeFeeds(7);
  const expected = await ortRun(model.bytes, Object.fromEntries(Object.entries(feeds).map(([k, v]) =>
    [k, { dtype: 'float32', data: v.data, shape: v.shape }])));
  const net = await Network.load(model.bytes, { threads });
  const got = await net.run(Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, new Tensor('float32', v.data, v.shape)])));
  for (const [name, exp] of Object.entries(expected)) {
    const a = got[name].data as Float32Array;
    const e = exp.data as Float32Array;
    expect(got[name].shape).toEqual(exp.shape);
    let scale = 0;
    let worst = 0;
    for (let i = 0; i < e.length; i++) {
      scale = Math.max(scale, Math.abs(e[i]));
      worst = Math.max(worst, Math.abs(a[i] - e[i]));
    }
    expect(scale).toBeGreaterThan(0);
    expect(worst / scale, `${name}: max diff ${worst} vs magnitude ${scale}`).toBeLessThanOrEqual(1e-4);
  }
  const memory = net.memoryInfo();
  net.dispose();
  return memory;
}

describe('networks vs onnxruntime-node', () => {
  for (const [name, make] of CASES) {
    for (const threads of [1, 2]) {
      it(`${name} (${threads} thread${threads > 1 ? 's' : ''})`, async () => {
        const memory = await compare(make(), threads);
        expect(memory.arenaBytes).toBeLessThanOrEqual(memory.intermediateBytes);
      });
    }
  }

  it('fuses x * sigmoid(x) into the convolutions that produce x', async () => {
    const net = await Network.load(models.efficientnetStyle({}).bytes);
    const ops = net.stats().opCounts;
    // Only the four squeeze-excitation gates keep a Sigmoid, fused into their Conv; no Mul is
    // left but the four gate products.
    expect(ops.Sigmoid ?? 0).toBe(0);
    expect(ops.Mul).toBe(4);
    expect(ops['liteinfer.SiLU'] ?? 0).toBe(0);
    net.dispose();
  });

  it('runs x * sigmoid(x) in float64 and float16 (the fused node computes in double / through float32)', async () => {
    for (const dtype of ['float64', 'float16'] as const) {
      const g = new GraphBuilder(`silu_${dtype}`);
      const x = g.input('x', dtype, [3, 37]);
      g.output(g.node('Mul', [g.node('Sigmoid', [x]), x], {}, { outputs: ['y'] }), dtype, [3, 37]);
      const bytes = g.toModel({ opset: 17 });
      const values = Array.from({ length: 3 * 37 }, (_, i) => (i - 55) / 7);
      const expected = await ortRun(bytes, { x: { dtype, data: values, shape: [3, 37] } }, { optimize: false });
      const net = await Network.load(bytes);
      expect(net.stats().opCounts['liteinfer.SiLU']).toBe(1);
      const data = dtype === 'float64' ? Float64Array.from(values) : Uint16Array.from(values, toFloat16Bits);
      const got = (await net.run({ x: new Tensor(dtype, data, [3, 37]) })).y.data as Float64Array | Uint16Array;
      const want = expected.y.data as Float64Array | Uint16Array;
      for (let i = 0; i < values.length; i++) {
        const a = dtype === 'float64' ? got[i] : fromFloat16Bits(got[i]);
        const e = dtype === 'float64' ? want[i] : fromFloat16Bits(want[i]);
        expect(Math.abs(a - e), `${dtype} at ${i}`).toBeLessThanOrEqual(dtype === 'float64' ? 1e-12 : 2e-3 * Math.max(1, Math.abs(e)));
      }
      net.dispose();
    }
  });

  it('plans much less memory than the sum of intermediates on a CNN', async () => {
    const m = await compare(models.mobilenetV2Style({}), 2);
    expect(m.arenaBytes).toBeLessThan(m.intermediateBytes / 3);
  });

  it('runs the built-in model shipped in models/', async () => {
    const file = path.join(__dirname, '..', 'models', 'builtin.onnx');
    const net = await Network.load(file);
    expect(net.inputs[0].shape).toEqual([1, 3, 128, 128]);
    const expected = await ortRun(fs.readFileSync(file), { input: { dtype: 'float32', data: new Float32Array(3 * 128 * 128).fill(0.5), shape: [1, 3, 128, 128] } });
    const out = await net.run({ input: new Tensor('float32', new Float32Array(3 * 128 * 128).fill(0.5), [1, 3, 128, 128]) });
    const e = expected.logits.data as Float32Array;
    const a = out.logits.data as Float32Array;
    const scale = e.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(a.reduce((m, v, i) => Math.max(m, Math.abs(v - e[i])), 0) / scale).toBeLessThanOrEqual(1e-4);
    net.dispose();
  });
});
