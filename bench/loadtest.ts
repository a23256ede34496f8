// `npm run loadtest`: liteinfer serve (dynamic batching on, and off) vs a plain fastify +
// onnxruntime-node handler (one request, one run), driven by autocannon at several
// concurrencies on a MobileNetV2-style model with a dynamic batch dim. Each server runs in a
// process of its own; the client (autocannon) runs in this one. Prints throughput and p50/p99.
//   npm run loadtest -- [--concurrency 1,4,16] [--duration 10] [--threads 2] [--size 224]
//                       [--body binary|json] [--max-batch 16] [--batch-delay-ms 2] [--instances 1]
//                       [--only liteinfer-batched,liteinfer-unbatched,ort]
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';

import * as models from '../test/onnx/models';
import { rootDir } from './common';

interface Row { server: string; concurrency: number; rps: number; p50: number; p99: number; errors: number; non2xx: number; total: number }

function startServer(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [path.join(__dirname, 'loadtest_server.js'), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /\{"url":"([^"]+)"\}/.exec(buf);
      if (m) resolve({ child, url: m[1] });
    });
    child.on('exit', (code) => reject(new Error(`server ${args[0]} exited with ${code}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  const done = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await done;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      concurrency: { type: 'string', default: '1,4,16' }, duration: { type: 'string', default: '10' },
      threads: { type: 'string', default: String(Math.min(2, os.availableParallelism())) }, size: { type: 'string', default: '224' },
      body: { type: 'string', default: 'binary' }, 'max-batch': { type: 'string', default: '16' },
      'batch-delay-ms': { type: 'string', default: '2' }, instances: { type: 'string', default: '1' }, only: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log('npm run loadtest -- [--concurrency 1,4,16] [--duration 10] [--threads 2] [--size 224] [--body binary|json] [--max-batch 16] [--batch-delay-ms 2] [--instances 1] [--only liteinfer-batched,liteinfer-unbatched,ort]');
    return;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const autocannon = require('autocannon') as (o: object) => Promise<any>;
  const concurrencies = values.concurrency!.split(',').map(Number);
  const duration = Number(values.duration);
  const threads = values.threads!;
  const size = Number(values.size);

  const dir = path.join(rootDir(), '.cache', 'loadtest');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `mobilenetv2-style-${size}.onnx`);
  fs.writeFileSync(file, models.mobilenetV2Style({ batch: 'N', size, width: 1.0, classes: 1000 }).bytes);

  const shape = [1, 3, size, size];
  const pixels = Float32Array.from({ length: 3 * size * size }, (_, i) => Math.sin(i * 0.37));
  let body: Buffer;
  const headers: Record<string, string> = {};
  if (values.body === 'json') {
    body = Buffer.from(JSON.stringify({ inputs: [{ name: 'input', shape, datatype: 'FP32', data: Array.from(pixels) }] }));
    headers['content-type'] = 'application/json';
  } else {
    const header = Buffer.from(JSON.stringify({ inputs: [{ name: 'input', shape, datatype: 'FP32', parameters: { binary_data_size: pixels.byteLength } }] }));
    body = Buffer.concat([header, Buffer.from(pixels.buffer)]);
    headers['content-type'] = 'application/octet-stream';
    headers['inference-header-content-length'] = String(header.length);
  }

  const servers: Array<{ name: string; args: string[] }> = [
    { name: 'liteinfer-batched', args: ['liteinfer', file, threads, values['max-batch']!, values['batch-delay-ms']!, values.instances!] },
    { name: 'liteinfer-unbatched', args: ['liteinfer', file, threads, '1', '0', values.instances!] },
    { name: 'ort', args: ['ort', file, threads] },
  ].filter((s) => !values.only || values.only.split(',').includes(s.name));

  console.log(`MobileNetV2-style ${size}x${size} (width 1.0, 1000 classes, batch dim N), ${values.body} request bodies of ${(body.length / 1024).toFixed(0)} KiB, ` +
    `threads ${threads}, liteinfer instances ${values.instances}, ${duration} s per point after a 2 s warm-up, ${os.cpus()[0]?.model ?? 'cpu'} x ${os.availableParallelism()}, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  const rows: Row[] = [];
  const reference: Record<string, number[]> = {};
  for (const s of servers) {
    const { child, url } = await startServer(s.args);
    try {
      const target = `${url}/v2/models/model/infer`;
      const first = await fetch(target, { method: 'POST', body, headers });
      const json = await first.json() as { outputs: Array<{ data: number[] }> };
      if (first.status !== 200) throw new Error(`${s.name}: ${first.status} ${JSON.stringify(json)}`);
      reference[s.name] = json.outputs[0].data;
      for (const c of concurrencies) {
        await autocannon({ url: target, method: 'POST', body, headers, connections: c, duration: 2 });
        const r = await autocannon({ url: target, method: 'POST', body, headers, connections: c, duration });
        const row: Row = {
          server: s.name, concurrency: c, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99,
          errors: r.errors + r.timeouts, non2xx: r.non2xx, total: r.requests.total,
        };
        rows.push(row);
        console.log(`  ${s.name.padEnd(20)} c=${String(c).padStart(3)}  ${row.rps.toFixed(1).padStart(7)} req/s  p50 ${String(row.p50).padStart(5)} ms  p99 ${String(row.p99).padStart(5)} ms` +
          `${row.errors || row.non2xx ? `  errors ${row.errors}, non-2xx ${row.non2xx}` : ''}`);
      }
    } finally {
      await stop(child);
    }
  }
  const names = Object.keys(reference);
  for (const n of names.slice(1)) {
    let worst = 0;
    reference[n].forEach((v, i) => (worst = Math.max(worst, Math.abs(v - reference[names[0]][i]))));
    console.log(`outputs: ${n} vs ${names[0]} max abs diff ${worst.toExponential(2)}`);
  }
  console.log('\n| server | concurrency | req/s | p50 ms | p99 ms | vs ort req/s |\n|---|---|---|---|---|---|');
  for (const r of rows) {
    const base = rows.find((b) => b.server === 'ort' && b.concurrency === r.concurrency);
    console.log(`| ${r.server} | ${r.concurrency} | ${r.rps.toFixed(1)} | ${r.p50} | ${r.p99} | ${base ? (r.rps / base.rps).toFixed(2) + 'x' : '-'} |`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
