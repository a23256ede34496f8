// Seed models for the loader fuzzer (scripts/fuzz.js writes them into .cache/fuzz/seeds; none is
// committed): small versions of the test networks and models that reach the loader's less
// common paths (subgraphs with outer-scope reads, Constant nodes in every form, attributes of
// every type, string and int tensors, symbolic and unknown dims). Each is a few KB at most, so
// libFuzzer's mutations stay fast. The ONNX backend cases in .cache/onnx-backend are added by
// the script when present.
import { attr, GraphBuilder } from '../onnx/builder';
import { mobilenetV2Style, resnetStyle, transformerBlock } from '../onnx/models';

export interface Seed { name: string; bytes: Uint8Array }

function mlp(): Uint8Array {
  const g = new GraphBuilder('mlp', 5);
  const x = g.input('x', 'float32', ['batch', 8]);
  const h = g.node('Relu', [g.node('Gemm', [x, g.initializer('w1', 'float32', [8, 6]), g.initializer('b1', 'float32', [6])])]);
  const y = g.node('Softmax', [g.node('MatMul', [h, g.initializer('w2', 'float32', [6, 3])])], { axis: -1 }, { outputs: ['y'] });
  g.output(y, 'float32', ['batch', 3]);
  return g.toModel({ opset: 17 });
}

/** If with branches reading outer values, a Constant in several forms, shape arithmetic. */
function controlFlow(): Uint8Array {
  const g = new GraphBuilder('control');
  const cond = g.input('cond', 'bool', []);
  const x = g.input('x', 'float32', [2, 3]);
  const k = g.node('Constant', [], { value_float: attr.f(1.5) });
  const ints = g.node('Constant', [], { value_ints: attr.ints([3, 2]) });
  const then = new GraphBuilder('then');
  then.output(then.node('Mul', [x, k], {}, { outputs: ['t'] }), 'float32');
  const els = new GraphBuilder('else');
  els.output(els.node('Reshape', [x, ints], {}, { outputs: ['e'] }), 'float32');
  const r = g.node('If', [cond], { then_branch: attr.g(then), else_branch: attr.g(els) }, { outputs: ['r'] });
  const shape = g.node('Shape', [r]);
  const n = g.node('ReduceProd', [shape], { keepdims: 0 });
  g.output(r, 'float32');
  g.output(g.node('Cast', [n], { to: 1 }, { outputs: ['n'] }), 'float32', []);
  return g.toModel({ opset: 17 });
}

/** Loop with a trip count, a condition and a loop-carried value; Scan over rows. */
function loops(): Uint8Array {
  const g = new GraphBuilder('loops');
  const x = g.input('x', 'float32', [3, 2]);
  const trip = g.initializer('trip', 'int64', [], [3]);
  const yes = g.initializer('yes', 'bool', [], [true]);
  const body = new GraphBuilder('body');
  body.input('i', 'int64', []);
  body.input('c', 'bool', []);
  const acc = body.input('acc', 'float32', [3, 2]);
  body.output(body.node('Identity', ['c'], {}, { outputs: ['c_out'] }), 'bool', []);
  body.output(body.node('Add', [acc, x], {}, { outputs: ['acc_out'] }), 'float32', [3, 2]);
  const out = g.node('Loop', [trip, yes, x], { body: attr.g(body) }, { outputs: ['looped'] });
  const sbody = new GraphBuilder('scan_body');
  const s = sbody.input('s', 'float32', [2]);
  const row = sbody.input('row', 'float32', [2]);
  const sum = sbody.node('Add', [s, row], {}, { outputs: ['s_out'] });
  sbody.output(sum, 'float32', [2]);
  sbody.output(sbody.node('Identity', [sum], {}, { outputs: ['row_out'] }), 'float32', [2]);
  const init = g.initializer('s0', 'float32', [2], [0, 0]);
  const [final, rows] = g.nodeOutputs('Scan', [init, out], { body: attr.g(sbody), num_scan_inputs: 1 }, { outputs: ['final', 'rows'] });
  g.output(final, 'float32', [2]);
  g.output(rows, 'float32', [3, 2]);
  return g.toModel({ opset: 17 });
}

/** Integer, bool and string tensors; Gather/Slice/Concat/Expand/Where/TopK. */
function indexing(): Uint8Array {
  const g = new GraphBuilder('indexing');
  const x = g.input('x', 'float32', ['n', 4]);
  const idx = g.initializer('idx', 'int64', [2], [0, 3]);
  const gathered = g.node('Gather', [x, idx], { axis: 1 });
  const sliced = g.node('Slice', [x, g.initializer('st', 'int64', [1], [1]), g.initializer('en', 'int64', [1], [3]),
    g.initializer('ax', 'int64', [1], [1])]);
  const cat = g.node('Concat', [gathered, sliced], { axis: 1 });
  const mask = g.node('Greater', [cat, g.initializer('zero', 'float32', [], [0])]);
  const w = g.node('Where', [mask, cat, g.node('Neg', [cat])]);
  const [vals, inds] = g.nodeOutputs('TopK', [w, g.initializer('k', 'int64', [1], [2])], { axis: -1 }, { outputs: 2 });
  const e = g.node('Expand', [vals, g.initializer('shape', 'int64', [3], [2, 1, 2])]);
  g.output(e, 'float32');
  g.output(inds, 'int64');
  const labels = g.initializer('labels', 'string', [3], ['a', 'bb', '']);
  g.output(g.node('Identity', [labels], {}, { outputs: ['labels_out'] }), 'string', [3]);
  return g.toModel({ opset: 17 });
}

/** Conv, pooling, BatchNormalization, Resize, Pad: the CNN paths on a tiny image. */
function convs(): Uint8Array {
  const g = new GraphBuilder('convs', 9);
  const x = g.input('x', 'float32', [1, 2, 6, 6]);
  const c = g.node('Conv', [x, g.initializer('w', 'float32', [4, 2, 3, 3], undefined, { scale: 0.3 }), g.initializer('b', 'float32', [4])],
    { kernel_shape: [3, 3], pads: [1, 1, 1, 1] });
  const bn = g.node('BatchNormalization', [c, ...['s', 'bb', 'm', 'v'].map((n) => g.initializer(n, 'float32', [4], [1, 1, 1, 1]))]);
  const p = g.node('MaxPool', [g.node('Relu', [bn])], { kernel_shape: [2, 2], strides: [2, 2] });
  const d = g.node('Conv', [p, g.initializer('dw', 'float32', [4, 1, 3, 3])], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], group: 4 });
  const r = g.node('Resize', [d, '', g.initializer('scales', 'float32', [4], [1, 1, 2, 2])], { mode: 'nearest' });
  const padded = g.node('Pad', [r, g.initializer('pads', 'int64', [8], [0, 0, 1, 1, 0, 0, 1, 1])]);
  g.output(g.node('GlobalAveragePool', [padded], {}, { outputs: ['y'] }), 'float32', [1, 4, 1, 1]);
  return g.toModel({ opset: 17 });
}

export function fuzzSeeds(): Seed[] {
  return [
    { name: 'mlp', bytes: mlp() },
    { name: 'control_flow', bytes: controlFlow() },
    { name: 'loops', bytes: loops() },
    { name: 'indexing', bytes: indexing() },
    { name: 'convs', bytes: convs() },
    { name: 'resnet_tiny', bytes: resnetStyle({ size: 8, widths: [2, 4], classes: 3 }).bytes },
    { name: 'mobilenet_tiny', bytes: mobilenetV2Style({ size: 8, width: 0.25, lastChannels: 8, classes: 3 }).bytes },
    { name: 'transformer_tiny', bytes: transformerBlock({ seq: 3, dim: 8, heads: 2 }).bytes },
    { name: 'transformer_symbolic', bytes: transformerBlock({ seq: 3, dim: 8, heads: 2, symbolic: true }).bytes },
  ];
}
