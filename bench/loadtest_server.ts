// One server for `npm run loadtest`, in a process of its own. Prints {"url": ...} when it listens.
//   node loadtest_server.js liteinfer <model.onnx> <threads> <maxBatch> <batchDelayMs> <instances>
//   node loadtest_server.js ort <model.onnx> <threads>
// 'ort' is the baseline: plain fastify and one onnxruntime-node session, one request = one run,
// reading the same Open Inference Protocol bodies (JSON, or the binary extension) and answering
// JSON outputs, as a hand-written handler would.
import * as path from 'node:path';

import { rootDir } from './common';

async function main(): Promise<void> {
  const [kind, model, threadsArg, maxBatchArg, delayArg, instancesArg] = process.argv.slice(2);
  const threads = Number(threadsArg);
  let url: string;
  let close: () => Promise<void>;
  if (kind === 'liteinfer') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const li = require(path.join(rootDir(), 'dist', 'index.js')) as typeof import('../lib/index');
    const server = await li.serve({
      models: [{ name: 'model', path: model }], port: 0, threads,
      maxBatch: Number(maxBatchArg), batchDelayMs: Number(delayArg), instances: Number(instancesArg ?? 1), maxQueue: 4096, docs: false,
    });
    url = server.url;
    close = () => server.close();
  } else {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ort = require('onnxruntime-node') as typeof import('onnxruntime-node');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Fastify = require('fastify') as typeof import('fastify').default;
    const session = await ort.InferenceSession.create(model, {
      intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all', executionMode: 'sequential',
    });
    const app = Fastify({ bodyLimit: 64 * 1024 * 1024 });
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    app.post('/v2/models/:name/infer', async (request) => {
      const buf = request.body as Buffer;
      const n = Number(request.headers['inference-header-content-length'] ?? buf.length);
      const header = JSON.parse(buf.subarray(0, n).toString());
      const input = header.inputs[0];
      const data = input.parameters?.binary_data_size !== undefined
        ? new Float32Array(new Uint8Array(buf.subarray(n)).buffer)
        : Float32Array.from(input.data as number[]);
      const out = await session.run({ [input.name]: new ort.Tensor('float32', data, input.shape) });
      const name = session.outputNames[0];
      const t = out[name];
      return { model_name: 'model', outputs: [{ name, datatype: 'FP32', shape: t.dims, data: Array.from(t.data as Float32Array) }] };
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const addr = app.server.address() as { port: number };
    url = `http://127.0.0.1:${addr.port}`;
    close = () => app.close();
  }
  process.on('SIGTERM', () => void close().then(() => process.exit(0)));
  process.stdout.write(JSON.stringify({ url }) + '\n');
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
