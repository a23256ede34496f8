// Type tests for the public API (run by tsd against dist/index.d.ts).
import { expectAssignable, expectError, expectType } from 'tsd';

import { LiteinferError, Network, Tensor, type ErrorCode, type MemoryInfo, type TensorInfo } from '../../dist/index.js';

const t = new Tensor('float32', new Float32Array(4), [2, 2]);
expectType<Float32Array>(t.data);
expectType<'float32'>(t.dtype);
expectType<readonly number[]>(t.shape);
expectType<BigInt64Array>(new Tensor('int64', new BigInt64Array(2)).data);
expectType<string[]>(new Tensor('string', ['a']).data);
expectType<Uint8Array>(new Tensor('bool', [true, false]).data);
expectError(new Tensor('float32', 'nope'));

(async () => {
  const net = await Network.load('model.onnx', { threads: 2 });
  expectType<Network>(net);
  expectType<readonly TensorInfo[]>(net.inputs);
  expectAssignable<ReadonlyArray<number | string> | null>(net.inputs[0].shape);
  const out = await net.run({ x: t }, { outputs: ['y'], signal: new AbortController().signal });
  expectType<Tensor>(out.y);
  expectType<Record<string, Tensor>>(net.runSync({ x: t }));
  expectType<MemoryInfo>(net.memoryInfo());
  expectType<void>(net.dispose());
  expectError(net.run({ x: t }, { outputs: 'y' }));
  // Sequences are Tensor arrays and an absent optional is null; other output types are named.
  const seqs = await net.run<{ s: Tensor[]; o: Tensor | null }>({ s: [t, t], o: null });
  expectType<Tensor[]>(seqs.s);
  expectType<Tensor | null>(seqs.o);
  expectAssignable<'sequence' | 'optional' | undefined>(net.inputs[0].kind);
  expectError(net.run({ x: 42 }));
  await Network.load(new Uint8Array(10));
  expectError(Network.load(42));
})();

declare const e: LiteinferError;
expectType<ErrorCode>(e.code);
expectAssignable<Error>(e);
