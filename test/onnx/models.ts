// Test and benchmark networks, built in code with seeded weights: a ResNet-style CNN, a
// MobileNetV2-style CNN (depthwise convolutions, ReLU6, residuals), a transformer encoder block,
// and a tiny MLP (per-call overhead). Weights are He-scaled so activations stay O(1).
import { GraphBuilder } from './builder';
import { Rng } from './rng';

export interface FeedData { data: Float32Array; shape: number[] }
export interface GeneratedModel {
  bytes: Uint8Array;
  inputs: Array<{ name: string; shape: Array<number | string> }>;
  outputs: string[];
  /** Deterministic inputs; symbolic dims take the sizes the generator was built for. */
  makeFeeds(seed?: number): Record<string, FeedData>;
}

function feedsFor(shapes: Record<string, number[]>) {
  return (seed = 1): Record<string, FeedData> => {
    const rng = new Rng(seed);
    return Object.fromEntries(Object.entries(shapes).map(([name, shape]) =>
      [name, { shape, data: rng.floats(shape.reduce((a, b) => a * b, 1), -1, 1) }]));
  };
}

/** Conv + BatchNormalization (+ activation), the CNN building block. */
class CnnBuilder extends GraphBuilder {
  private r: Rng;
  constructor(name: string, seed: number) {
    super(name, seed);
    this.r = new Rng(seed + 101);
  }

  conv(x: string, cin: number, cout: number, k: number, opts: { stride?: number; group?: number; bias?: boolean } = {}): string {
    const stride = opts.stride ?? 1;
    const group = opts.group ?? 1;
    const fanIn = (cin / group) * k * k;
    const w = this.initializer(this.fresh('w'), 'float32', [cout, cin / group, k, k], undefined, { scale: Math.sqrt(2 / fanIn) });
    const inputs = [x, w];
    if (opts.bias) inputs.push(this.initializer(this.fresh('b'), 'float32', [cout], undefined, { scale: 0.05 }));
    const p = (k - 1) >> 1;
    return this.node('Conv', inputs, { kernel_shape: [k, k], strides: [stride, stride], pads: [p, p, p, p], group });
  }

  bn(x: string, c: number): string {
    const f = (lo: number, hi: number) => Array.from({ length: c }, () => this.r.uniform(lo, hi));
    const scale = this.initializer(this.fresh('bn_scale'), 'float32', [c], f(0.5, 1.5));
    const bias = this.initializer(this.fresh('bn_bias'), 'float32', [c], f(-0.1, 0.1));
    const mean = this.initializer(this.fresh('bn_mean'), 'float32', [c], f(-0.1, 0.1));
    const vr = this.initializer(this.fresh('bn_var'), 'float32', [c], f(0.5, 1.5));
    return this.node('BatchNormalization', [x, scale, bias, mean, vr], { epsilon: { f: 1e-5 } });
  }

  relu6(x: string): string {
    const lo = this.initializer(this.fresh('zero'), 'float32', [], [0]);
    const hi = this.initializer(this.fresh('six'), 'float32', [], [6]);
    return this.node('Clip', [x, lo, hi]);
  }

  classifier(x: string, c: number, classes: number): string {
    const pooled = this.node('GlobalAveragePool', [x]);
    const flat = this.node('Flatten', [pooled], { axis: 1 });
    const w = this.initializer(this.fresh('fc_w'), 'float32', [classes, c], undefined, { scale: Math.sqrt(1 / c) });
    const b = this.initializer(this.fresh('fc_b'), 'float32', [classes], undefined, { scale: 0.01 });
    return this.node('Gemm', [flat, w, b], { transB: 1 }, { outputs: ['logits'] });
  }
}

/** ResNet-style: stem, basic residual blocks per stage (a strided projection block between stages). */
export function resnetStyle(o: { batch?: number; size?: number; widths?: number[]; blocks?: number[]; classes?: number; seed?: number } = {}): GeneratedModel {
  const { batch = 1, size = 64, widths = [16, 32, 64, 128], blocks = [1, 1, 1, 1], classes = 10, seed = 1 } = o;
  const g = new CnnBuilder('resnet_style', seed);
  const x = g.input('input', 'float32', [batch, 3, size, size]);
  let h = g.node('Relu', [g.bn(g.conv(x, 3, widths[0], 7, { stride: 2 }), widths[0])]);
  h = g.node('MaxPool', [h], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] });
  let c = widths[0];
  widths.forEach((w, stage) => {
    for (let b = 0; b < blocks[stage]; b++) {
      const stride = stage > 0 && b === 0 ? 2 : 1;
      const y1 = g.node('Relu', [g.bn(g.conv(h, c, w, 3, { stride }), w)]);
      const y2 = g.bn(g.conv(y1, w, w, 3), w);
      const shortcut = stride !== 1 || c !== w ? g.bn(g.conv(h, c, w, 1, { stride }), w) : h;
      h = g.node('Relu', [g.node('Add', [y2, shortcut])]);
      c = w;
    }
  });
  const out = g.classifier(h, c, classes);
  g.output(out, 'float32', [batch, classes]);
  return { bytes: g.toModel({ opset: 17 }), inputs: [{ name: 'input', shape: [batch, 3, size, size] }], outputs: ['logits'],
    makeFeeds: feedsFor({ input: [batch, 3, size, size] }) };
}

/** MobileNetV2-style: inverted residuals with depthwise 3x3 convolutions and ReLU6. */
export function mobilenetV2Style(o: { batch?: number; size?: number; width?: number; classes?: number; seed?: number } = {}): GeneratedModel {
  const { batch = 1, size = 96, width = 0.5, classes = 10, seed = 2 } = o;
  const ch = (c: number) => Math.max(8, Math.round((c * width) / 8) * 8);
  const g = new CnnBuilder('mobilenetv2_style', seed);
  const x = g.input('input', 'float32', [batch, 3, size, size]);
  let c = ch(32);
  let h = g.relu6(g.bn(g.conv(x, 3, c, 3, { stride: 2 }), c));
  const config: Array<[number, number, number, number]> = [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 2, 2], [6, 96, 1, 1], [6, 160, 1, 2]];
  for (const [t, cOut, n, s] of config) {
    const out = ch(cOut);
    for (let i = 0; i < n; i++) {
      const stride = i === 0 ? s : 1;
      const hidden = c * t;
      let y = h;
      if (t !== 1) y = g.relu6(g.bn(g.conv(y, c, hidden, 1), hidden));
      y = g.relu6(g.bn(g.conv(y, hidden, hidden, 3, { stride, group: hidden }), hidden));
      y = g.bn(g.conv(y, hidden, out, 1), out);
      h = stride === 1 && c === out ? g.node('Add', [h, y]) : y;
      c = out;
    }
  }
  const last = ch(640);
  h = g.relu6(g.bn(g.conv(h, c, last, 1), last));
  const logits = g.classifier(h, last, classes);
  g.output(logits, 'float32', [batch, classes]);
  return { bytes: g.toModel({ opset: 17 }), inputs: [{ name: 'input', shape: [batch, 3, size, size] }], outputs: ['logits'],
    makeFeeds: feedsFor({ input: [batch, 3, size, size] }) };
}

/** A pre-LayerNorm transformer encoder block; `symbolic` makes batch and sequence dims symbolic. */
export function transformerBlock(o: { batch?: number; seq?: number; dim?: number; heads?: number; symbolic?: boolean; seed?: number } = {}): GeneratedModel {
  const { batch = 1, seq = 32, dim = 64, heads = 4, symbolic = false, seed = 3 } = o;
  const hd = dim / heads;
  const g = new GraphBuilder('transformer_block', seed);
  const shape: Array<number | string> = symbolic ? ['batch', 'seq', dim] : [batch, seq, dim];
  const x = g.input('x', 'float32', shape);
  const rng = new Rng(seed + 7);
  const vec = (n: number, lo: number, hi: number) => Array.from({ length: n }, () => rng.uniform(lo, hi));
  const ln = (v: string) => g.node('LayerNormalization', [v,
    g.initializer(g.fresh('ln_g'), 'float32', [dim], vec(dim, 0.8, 1.2)),
    g.initializer(g.fresh('ln_b'), 'float32', [dim], vec(dim, -0.1, 0.1))], { axis: -1, epsilon: { f: 1e-5 } });
  const linear = (v: string, cin: number, cout: number) => g.node('Add', [
    g.node('MatMul', [v, g.initializer(g.fresh('w'), 'float32', [cin, cout], undefined, { scale: 1 / Math.sqrt(cin) })]),
    g.initializer(g.fresh('b'), 'float32', [cout], vec(cout, -0.05, 0.05))]);
  const int64 = (vals: number[]) => g.initializer(g.fresh('shape'), 'int64', [vals.length], vals);
  const splitHeads = (v: string) => g.node('Transpose', [g.node('Reshape', [v, int64([0, 0, heads, hd])])], { perm: [0, 2, 1, 3] });

  const h = ln(x);
  const q = splitHeads(linear(h, dim, dim));
  const k = splitHeads(linear(h, dim, dim));
  const v = splitHeads(linear(h, dim, dim));
  const kt = g.node('Transpose', [k], { perm: [0, 1, 3, 2] });
  const scale = g.initializer('attn_scale', 'float32', [], [1 / Math.sqrt(hd)]);
  const scores = g.node('Mul', [g.node('MatMul', [q, kt]), scale]);
  const probs = g.node('Softmax', [scores], { axis: -1 });
  const ctx = g.node('Reshape', [g.node('Transpose', [g.node('MatMul', [probs, v])], { perm: [0, 2, 1, 3] }), int64([0, 0, dim])]);
  const x1 = g.node('Add', [x, linear(ctx, dim, dim)]);
  // MLP with GELU written out with Erf, as exporters emit it.
  const h2 = linear(ln(x1), dim, 4 * dim);
  const erf = g.node('Erf', [g.node('Div', [h2, g.initializer('sqrt2', 'float32', [], [Math.SQRT2])])]);
  const gelu = g.node('Mul', [g.node('Mul', [h2, g.node('Add', [erf, g.initializer('one', 'float32', [], [1])])]),
    g.initializer('half', 'float32', [], [0.5])]);
  const y = g.node('Add', [x1, linear(gelu, 4 * dim, dim)], {}, { outputs: ['y'] });
  g.output(y, 'float32', shape);
  return { bytes: g.toModel({ opset: 17 }), inputs: [{ name: 'x', shape }], outputs: ['y'],
    makeFeeds: feedsFor({ x: [batch, seq, dim] }) };
}

/** A few hundred floats through two Gemms: measures per-call overhead. */
export function tinyMlp(o: { seed?: number } = {}): GeneratedModel {
  const g = new GraphBuilder('tiny_mlp', o.seed ?? 4);
  const x = g.input('x', 'float32', [1, 256]);
  const h = g.node('Relu', [g.node('Gemm', [x, g.initializer('w1', 'float32', [256, 64], undefined, { scale: 1 / 16 }),
    g.initializer('b1', 'float32', [64], undefined, { scale: 0.1 })])]);
  const y = g.node('Gemm', [h, g.initializer('w2', 'float32', [64, 10], undefined, { scale: 1 / 8 }),
    g.initializer('b2', 'float32', [10], undefined, { scale: 0.1 })], {}, { outputs: ['y'] });
  g.output(y, 'float32', [1, 10]);
  return { bytes: g.toModel({ opset: 17 }), inputs: [{ name: 'x', shape: [1, 256] }], outputs: ['y'],
    makeFeeds: feedsFor({ x: [1, 256] }) };
}

/** The model shipped for `liteinfer bench` with no argument: MobileNetV2-style, 128x128, width 0.5. */
export function builtinModel(): GeneratedModel {
  return mobilenetV2Style({ size: 128, width: 0.5, classes: 1000, seed: 2024 });
}
