// Test and benchmark networks, built in code with seeded weights: a ResNet-style CNN, a
// MobileNetV2-style CNN (depthwise convolutions, ReLU6, residuals), a transformer encoder block,
// a tiny MLP (per-call overhead), and the built-in model shipped in models/builtin.onnx.
//
// Weights are He-scaled (std sqrt(2 / fan_in) before a ReLU, sqrt(1 / fan_in) otherwise) and
// BatchNormalization statistics are near identity, so activations stay O(1) through the network
// and the outputs vary enough to make a comparison meaningful (builder.test.ts checks this).
// Everything is deterministic: same options and seed, same bytes.
import { DTypeName, Dim, GraphBuilder } from './builder';
import { Rng } from './rng';

export interface ValueSpec { name: string; dtype: DTypeName; shape: Dim[] }
/** A feed: ready for ortRun, and for liteinfer's Tensor(dtype, data, shape). */
export interface FeedData { dtype: 'float32'; data: Float32Array; shape: number[] }

export interface GeneratedModel {
  name: string;
  /** The serialized ModelProto. */
  bytes: Uint8Array;
  /** As declared in the model (symbolic dims as strings). */
  inputs: ValueSpec[];
  outputs: ValueSpec[];
  /** Deterministic inputs, uniform in [-1, 1); symbolic dims take the sizes the generator was given. */
  makeFeeds(seed?: number): Record<string, FeedData>;
}

function feedsFor(shapes: Record<string, number[]>): GeneratedModel['makeFeeds'] {
  return (seed = 1) => {
    const rng = new Rng(seed);
    return Object.fromEntries(Object.entries(shapes).map(([name, shape]) =>
      [name, { dtype: 'float32' as const, shape: [...shape], data: rng.floats(shape.reduce((a, b) => a * b, 1), -1, 1) }]));
  };
}

/** Conv + BatchNormalization (+ activation), the CNN building blocks. */
class CnnBuilder extends GraphBuilder {
  private readonly r: Rng;
  private relu6Bounds?: [string, string];

  constructor(name: string, seed: number) {
    super(name, seed);
    this.r = new Rng(seed + 101);
  }

  /** A k x k convolution, "same" padding; weights He-scaled for a following ReLU. */
  conv(x: string, cin: number, cout: number, k: number, opts: { stride?: number; group?: number; bias?: boolean; gain?: number } = {}): string {
    const stride = opts.stride ?? 1;
    const group = opts.group ?? 1;
    const fanIn = (cin / group) * k * k;
    const w = this.constant('float32', [cout, cin / group, k, k], undefined, { prefix: 'conv_w', scale: Math.sqrt((opts.gain ?? 2) / fanIn) });
    const inputs = [x, w];
    if (opts.bias) inputs.push(this.constant('float32', [cout], undefined, { prefix: 'conv_b', scale: 0.05 }));
    const p = (k - 1) >> 1;
    return this.node('Conv', inputs, { kernel_shape: [k, k], strides: [stride, stride], pads: [p, p, p, p], group });
  }

  /** Inference BatchNormalization with near-identity statistics (the runtime folds it into the conv). */
  bn(x: string, c: number): string {
    const f = (prefix: string, lo: number, hi: number) =>
      this.constant('float32', [c], Array.from({ length: c }, () => this.r.uniform(lo, hi)), { prefix });
    return this.node('BatchNormalization', [x, f('bn_scale', 0.8, 1.2), f('bn_bias', -0.1, 0.1), f('bn_mean', -0.1, 0.1),
      f('bn_var', 0.8, 1.2)], { epsilon: { f: 1e-5 } });
  }

  /** ReLU6 as exporters write it since opset 11: Clip with min and max inputs (shared constants). */
  relu6(x: string): string {
    this.relu6Bounds ??= [this.initializer('relu6_min', 'float32', [], [0]), this.initializer('relu6_max', 'float32', [], [6])];
    return this.node('Clip', [x, ...this.relu6Bounds]);
  }

  /** GlobalAveragePool, Flatten (or Reshape to [N, C]), Gemm -> `logits`. */
  classifier(x: string, c: number, classes: number, flatten: 'Flatten' | 'Reshape'): string {
    const pooled = this.node('GlobalAveragePool', [x]);
    const flat = flatten === 'Flatten'
      ? this.node('Flatten', [pooled], { axis: 1 })
      : this.node('Reshape', [pooled, this.initializer('flat_shape', 'int64', [2], [0, -1])]);
    const w = this.initializer('fc_w', 'float32', [classes, c], undefined, { scale: Math.sqrt(1 / c) });
    const b = this.initializer('fc_b', 'float32', [classes], undefined, { scale: 0.01 });
    return this.node('Gemm', [flat, w, b], { transB: 1 }, { outputs: ['logits'] });
  }
}

export interface ResnetOptions {
  batch?: number;
  /** Input height and width. */
  size?: number;
  /** Channels per stage; every stage after the first starts with a stride-2 block. */
  widths?: number[];
  /** Basic blocks per stage (default 1 each). */
  blocks?: number[];
  /** '7x7': Conv 7x7 stride 2 (ImageNet ResNet); '3x3': Conv 3x3 stride 1 (CIFAR ResNet). */
  stem?: '7x7' | '3x3';
  classes?: number;
  seed?: number;
}

/**
 * ResNet-style: stem Conv + BN + Relu, MaxPool 3x3 s2, BasicBlocks (two 3x3 Conv + BN, residual
 * Add, Relu; a strided block has a 1x1 Conv + BN projection shortcut), GlobalAveragePool,
 * Flatten, Gemm -> logits [batch, classes].
 */
export function resnetStyle(o: ResnetOptions = {}): GeneratedModel {
  const { batch = 1, size = 64, widths = [16, 32, 64, 128], stem = '7x7', classes = 10, seed = 1 } = o;
  const blocks = o.blocks ?? widths.map(() => 1);
  const g = new CnnBuilder('resnet_style', seed);
  const inShape = [batch, 3, size, size];
  const x = g.input('input', 'float32', inShape);
  const stemConv = stem === '7x7' ? g.conv(x, 3, widths[0], 7, { stride: 2 }) : g.conv(x, 3, widths[0], 3);
  let h = g.node('Relu', [g.bn(stemConv, widths[0])]);
  h = g.node('MaxPool', [h], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] });
  let c = widths[0];
  widths.forEach((w, stage) => {
    for (let b = 0; b < (blocks[stage] ?? 1); b++) {
      const stride = stage > 0 && b === 0 ? 2 : 1;
      const y1 = g.node('Relu', [g.bn(g.conv(h, c, w, 3, { stride }), w)]);
      // The last conv of a residual branch gets half the gain, so the sum keeps variance ~ O(1).
      const y2 = g.bn(g.conv(y1, w, w, 3, { gain: 1 }), w);
      const shortcut = stride !== 1 || c !== w ? g.bn(g.conv(h, c, w, 1, { stride, gain: 1 }), w) : h;
      h = g.node('Relu', [g.node('Add', [y2, shortcut])]);
      c = w;
    }
  });
  const logits = g.classifier(h, c, classes, 'Flatten');
  g.output(logits, 'float32', [batch, classes]);
  return {
    name: 'resnet-style', bytes: g.toModel({ opset: 17 }),
    inputs: [{ name: 'input', dtype: 'float32', shape: inShape }],
    outputs: [{ name: 'logits', dtype: 'float32', shape: [batch, classes] }],
    makeFeeds: feedsFor({ input: inShape }),
  };
}

export interface MobilenetOptions {
  /** A size, or a name for a symbolic batch dim (the feeds then have batch 1). */
  batch?: number | string;
  size?: number;
  /** Width multiplier (channels rounded to multiples of 8). */
  width?: number;
  /** Channels of the last 1x1 conv before pooling; default 640 * width, rounded. */
  lastChannels?: number;
  classes?: number;
  seed?: number;
}

/**
 * MobileNetV2-style: stem Conv 3x3 s2 + BN + ReLU6, inverted residuals (1x1 expand Conv + BN +
 * ReLU6, depthwise 3x3 Conv (group = channels) stride 1 or 2 + BN + ReLU6, 1x1 project Conv + BN,
 * residual Add when shapes match), 1x1 Conv + BN + ReLU6, GlobalAveragePool, Reshape, Gemm.
 * ReLU6 is Clip(x, 0, 6) with min/max inputs (opset 11+).
 */
export function mobilenetV2Style(o: MobilenetOptions = {}): GeneratedModel {
  const { batch = 1, size = 96, width = 0.5, classes = 10, seed = 2 } = o;
  const ch = (c: number) => Math.max(8, Math.round((c * width) / 8) * 8);
  const g = new CnnBuilder('mobilenetv2_style', seed);
  const declared: Dim[] = [batch, 3, size, size];
  const inShape = [typeof batch === 'number' ? batch : 1, 3, size, size];
  const x = g.input('input', 'float32', declared);
  let c = ch(32);
  let h = g.relu6(g.bn(g.conv(x, 3, c, 3, { stride: 2 }), c));
  // [expansion t, output channels, repeats n, first stride s], MobileNetV2 table 2 without the last row.
  const config: Array<[number, number, number, number]> = [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 2, 2], [6, 96, 1, 1], [6, 160, 1, 2]];
  for (const [t, cOut, n, s] of config) {
    const out = ch(cOut);
    for (let i = 0; i < n; i++) {
      const stride = i === 0 ? s : 1;
      const hidden = c * t;
      let y = h;
      if (t !== 1) y = g.relu6(g.bn(g.conv(y, c, hidden, 1), hidden));
      y = g.relu6(g.bn(g.conv(y, hidden, hidden, 3, { stride, group: hidden }), hidden));
      const residual = stride === 1 && c === out;
      y = g.bn(g.conv(y, hidden, out, 1, { gain: residual ? 0.5 : 1 }), out);
      h = residual ? g.node('Add', [h, y]) : y;
      c = out;
    }
  }
  const last = o.lastChannels ?? ch(640);
  h = g.relu6(g.bn(g.conv(h, c, last, 1), last));
  const logits = g.classifier(h, last, classes, 'Reshape');
  g.output(logits, 'float32', [batch, classes]);
  return {
    name: 'mobilenetv2-style', bytes: g.toModel({ opset: 17 }),
    inputs: [{ name: 'input', dtype: 'float32', shape: declared }],
    outputs: [{ name: 'logits', dtype: 'float32', shape: [batch, classes] }],
    makeFeeds: feedsFor({ input: inShape }),
  };
}

export interface TransformerOptions {
  batch?: number;
  seq?: number;
  dim?: number;
  heads?: number;
  /** Declare batch and sequence as symbolic dims 'batch' and 'seq' (feeds still use batch, seq). */
  symbolic?: boolean;
  seed?: number;
}

/**
 * A pre-LayerNorm transformer encoder block, written out op by op as exporters emit it:
 * LayerNormalization (opset 17), Q/K/V MatMul + Add bias, Reshape + Transpose to heads,
 * MatMul Q K^T, Mul by 1/sqrt(head dim), Softmax(-1), MatMul V, Transpose + Reshape back, output
 * projection, residual Add; LayerNormalization, MLP MatMul + GELU (x * 0.5 * (1 + erf(x / sqrt 2))),
 * MatMul, residual Add. Input and output [batch, seq, dim].
 */
export function transformerBlock(o: TransformerOptions = {}): GeneratedModel {
  const { batch = 1, seq = 32, dim = 64, heads = 4, symbolic = false, seed = 3 } = o;
  if (dim % heads) throw new Error(`transformerBlock: dim ${dim} is not a multiple of heads ${heads}`);
  const hd = dim / heads;
  const g = new GraphBuilder('transformer_block', seed);
  const shape: Dim[] = symbolic ? ['batch', 'seq', dim] : [batch, seq, dim];
  const x = g.input('x', 'float32', shape);
  const rng = new Rng(seed + 7);
  const vec = (n: number, lo: number, hi: number) => Array.from({ length: n }, () => rng.uniform(lo, hi));
  const ln = (v: string) => g.node('LayerNormalization', [v,
    g.constant('float32', [dim], vec(dim, 0.8, 1.2), { prefix: 'ln_gamma' }),
    g.constant('float32', [dim], vec(dim, -0.1, 0.1), { prefix: 'ln_beta' })], { axis: -1, epsilon: { f: 1e-5 } });
  const linear = (v: string, cin: number, cout: number, gain = 1) => g.node('Add', [
    g.node('MatMul', [v, g.constant('float32', [cin, cout], undefined, { prefix: 'w', scale: Math.sqrt(gain / cin) })]),
    g.constant('float32', [cout], vec(cout, -0.05, 0.05), { prefix: 'b' })]);
  const int64 = (vals: number[]) => g.constant('int64', [vals.length], vals, { prefix: 'shape' });
  // Reshape's 0 copies the input dim, so the block works for any batch and sequence length.
  const splitHeads = (v: string) => g.node('Transpose', [g.node('Reshape', [v, int64([0, 0, heads, hd])])], { perm: [0, 2, 1, 3] });

  const h = ln(x);
  // Q and K get gain 4: sharper attention than uniform, so Softmax matters in the comparison.
  const q = splitHeads(linear(h, dim, dim, 4));
  const k = splitHeads(linear(h, dim, dim, 4));
  const v = splitHeads(linear(h, dim, dim));
  const kt = g.node('Transpose', [k], { perm: [0, 1, 3, 2] });
  const scale = g.initializer('attn_scale', 'float32', [], [1 / Math.sqrt(hd)]);
  const scores = g.node('Mul', [g.node('MatMul', [q, kt]), scale]);
  const probs = g.node('Softmax', [scores], { axis: -1 });
  const ctx = g.node('Reshape', [g.node('Transpose', [g.node('MatMul', [probs, v])], { perm: [0, 2, 1, 3] }), int64([0, 0, dim])]);
  const x1 = g.node('Add', [x, linear(ctx, dim, dim)]);
  // MLP with GELU written out with Erf, as exporters emit it.
  const h2 = linear(ln(x1), dim, 4 * dim, 2);
  const erf = g.node('Erf', [g.node('Div', [h2, g.initializer('sqrt2', 'float32', [], [Math.SQRT2])])]);
  const gelu = g.node('Mul', [g.node('Mul', [h2, g.node('Add', [erf, g.initializer('one', 'float32', [], [1])])]),
    g.initializer('half', 'float32', [], [0.5])]);
  const y = g.node('Add', [x1, linear(gelu, 4 * dim, dim)], {}, { outputs: ['y'] });
  g.output(y, 'float32', shape);
  return {
    name: symbolic ? 'transformer-block-symbolic' : 'transformer-block', bytes: g.toModel({ opset: 17 }),
    inputs: [{ name: 'x', dtype: 'float32', shape }],
    outputs: [{ name: 'y', dtype: 'float32', shape }],
    makeFeeds: feedsFor({ x: [batch, seq, dim] }),
  };
}

/**
 * EfficientNet-style: SiLU written out as exporters emit it (x * Sigmoid(x)) after every Conv +
 * BN, MBConv blocks (1x1 expand, depthwise 3x3 or 5x5, squeeze-excitation: GlobalAveragePool,
 * 1x1 Conv + SiLU, 1x1 Conv + Sigmoid, Mul by the gate; 1x1 project, residual Add when shapes
 * match), 1x1 head Conv + SiLU, GlobalAveragePool, Flatten, Gemm.
 */
export function efficientnetStyle(o: { batch?: number; size?: number; classes?: number; seed?: number } = {}): GeneratedModel {
  const { batch = 1, size = 64, classes = 10, seed = 5 } = o;
  const g = new CnnBuilder('efficientnet_style', seed);
  const silu = (x: string) => g.node('Mul', [x, g.node('Sigmoid', [x])]);
  const inShape = [batch, 3, size, size];
  const x = g.input('input', 'float32', inShape);
  let c = 16;
  let h = silu(g.bn(g.conv(x, 3, c, 3, { stride: 2 }), c));
  // [expansion, output channels, kernel, stride]
  const blocks: Array<[number, number, number, number]> = [[1, 16, 3, 1], [4, 24, 3, 2], [4, 24, 5, 1], [4, 40, 5, 2]];
  for (const [t, out, k, stride] of blocks) {
    const hidden = c * t;
    let y = h;
    if (t !== 1) y = silu(g.bn(g.conv(y, c, hidden, 1), hidden));
    y = silu(g.bn(g.conv(y, hidden, hidden, k, { stride, group: hidden }), hidden));
    const squeezed = Math.max(4, c >> 2);
    const gate = g.node('Sigmoid', [g.conv(silu(g.conv(g.node('GlobalAveragePool', [y]), hidden, squeezed, 1, { bias: true })),
      squeezed, hidden, 1, { bias: true })]);
    y = g.node('Mul', [y, gate]);
    const residual = stride === 1 && c === out;
    y = g.bn(g.conv(y, hidden, out, 1, { gain: residual ? 0.5 : 1 }), out);
    h = residual ? g.node('Add', [h, y]) : y;
    c = out;
  }
  h = silu(g.bn(g.conv(h, c, 128, 1), 128));
  const logits = g.classifier(h, 128, classes, 'Flatten');
  g.output(logits, 'float32', [batch, classes]);
  return {
    name: 'efficientnet-style', bytes: g.toModel({ opset: 17 }),
    inputs: [{ name: 'input', dtype: 'float32', shape: inShape }],
    outputs: [{ name: 'logits', dtype: 'float32', shape: [batch, classes] }],
    makeFeeds: feedsFor({ input: inShape }),
  };
}

/** A few hundred floats through two Gemms ([1, 256] -> 64 -> Relu -> 10): measures per-call overhead. */
export function tinyMlp(o: { seed?: number } = {}): GeneratedModel {
  const g = new GraphBuilder('tiny_mlp', o.seed ?? 4);
  const x = g.input('x', 'float32', [1, 256]);
  const h = g.node('Relu', [g.node('Gemm', [x, g.initializer('w1', 'float32', [256, 64], undefined, { scale: Math.sqrt(2 / 256) }),
    g.initializer('b1', 'float32', [64], undefined, { scale: 0.1 })])]);
  const y = g.node('Gemm', [h, g.initializer('w2', 'float32', [64, 10], undefined, { scale: Math.sqrt(1 / 64) }),
    g.initializer('b2', 'float32', [10], undefined, { scale: 0.1 })], {}, { outputs: ['y'] });
  g.output(y, 'float32', [1, 10]);
  return {
    name: 'tiny-mlp', bytes: g.toModel({ opset: 17 }),
    inputs: [{ name: 'x', dtype: 'float32', shape: [1, 256] }],
    outputs: [{ name: 'y', dtype: 'float32', shape: [1, 10] }],
    makeFeeds: feedsFor({ x: [1, 256] }),
  };
}

/**
 * The model shipped as models/builtin.onnx for `liteinfer bench` with no argument (written by
 * scripts/gen-builtin-model.js): MobileNetV2-style, 128 x 128 input, width 0.5, 1000 classes.
 * The last 1x1 conv has 128 channels instead of 320 so the file stays under 1 MB (the
 * 1000-class Gemm is most of it); at 4 x 4 pixels that conv is a small part of the compute.
 */
export function builtinModel(): GeneratedModel {
  return { ...mobilenetV2Style({ size: 128, width: 0.5, lastChannels: 128, classes: 1000, seed: 2024 }), name: 'builtin' };
}
