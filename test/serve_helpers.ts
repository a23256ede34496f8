// Models and HTTP helpers for the serving tests (test/serve*.test.ts).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { GraphBuilder } from './onnx/builder';
import { mobilenetV2Style } from './onnx/models';

/** Writes the test models into a fresh folder and returns their paths. */
export function writeModels(): { dir: string; mlp: string; fixed: string; types: string; cnn: string; slow: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liteinfer-serve-'));
  const file = (name: string, bytes: Uint8Array) => {
    const p = path.join(dir, `${name}.onnx`);
    fs.writeFileSync(p, bytes);
    return p;
  };

  // y = x @ w: [n, 4] -> [n, 3], batchable (symbolic leading dim).
  const mlp = new GraphBuilder('mlp');
  const x = mlp.input('x', 'float32', ['n', 4]);
  const w = mlp.initializer('w', 'float32', [4, 3], new Float32Array([1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 2, 3]));
  mlp.output(mlp.node('MatMul', [x, w], {}, { outputs: ['y'] }), 'float32', ['n', 3]);
  mlp.output(mlp.node('ReduceSum', [x, mlp.initializer('axes', 'int64', [1], [1])], { keepdims: 1 }, { outputs: ['sum'] }), 'float32', ['n', 1]);

  // Relu on a fixed [1, 4]: no batch dim, so it runs one request at a time per instance.
  const fixed = new GraphBuilder('fixed');
  fixed.output(fixed.node('Relu', [fixed.input('x', 'float32', [1, 4])], {}, { outputs: ['y'] }), 'float32', [1, 4]);

  // One input per datatype family: int64 doubled, bool negated, float16 and strings passed through.
  const types = new GraphBuilder('types');
  const a = types.input('a', 'int64', ['n']);
  types.output(types.node('Add', [a, a], {}, { outputs: ['a2'] }), 'int64', ['n']);
  types.output(types.node('Not', [types.input('b', 'bool', ['n'])], {}, { outputs: ['nb'] }), 'bool', ['n']);
  types.output(types.node('Identity', [types.input('h', 'float16', ['n'])], {}, { outputs: ['h_out'] }), 'float16', ['n']);
  types.output(types.node('Identity', [types.input('s', 'string', ['n'])], {}, { outputs: ['s_out'] }), 'string', ['n']);
  types.output(types.node('Identity', [types.input('u', 'uint8', ['n'])], {}, { outputs: ['u_out'] }), 'uint8', ['n']);

  // Slow: [1, 256] expanded to [2048, 256] through 40 MatMuls by 256 x 256 (10.7 GFLOP, tens of ms even
  // with AVX-512), then a mean over rows.
  const slow = new GraphBuilder('slow');
  let h = slow.node('Expand', [slow.input('x', 'float32', [1, 256]), slow.initializer('rows', 'int64', [2], [2048, 256])]);
  const sw = slow.initializer('sw', 'float32', [256, 256], undefined, { scale: 1 / 16 });
  for (let i = 0; i < 40; i++) h = slow.node('MatMul', [h, sw]);
  slow.output(slow.node('ReduceMean', [h], { axes: [0], keepdims: 1 }, { outputs: ['y'] }), 'float32', [1, 256]);

  return {
    dir,
    mlp: file('mlp', mlp.toModel({ opset: 17 })),
    fixed: file('fixed', fixed.toModel({ opset: 17 })),
    types: file('types', types.toModel({ opset: 17 })),
    cnn: file('cnn', mobilenetV2Style({ batch: 'N', size: 32, classes: 10, seed: 5 }).bytes),
    slow: file('slow', slow.toModel({ opset: 17 })),
  };
}

/** POSTs JSON and returns status, headers and the parsed body. */
export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, headers: res.headers, body: json };
}

export async function getJson(url: string) {
  const res = await fetch(url);
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, headers: res.headers, body: json };
}

/** A binary-extension request: the JSON header, then each tensor's bytes. */
export function binaryRequest(header: unknown, parts: ArrayBufferView[]): { body: Buffer; headerLength: number } {
  const json = Buffer.from(JSON.stringify(header));
  const bins = parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength));
  return { body: Buffer.concat([json, ...bins]), headerLength: json.length };
}
