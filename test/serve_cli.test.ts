// `liteinfer serve` as a child process: --help, the start log, --strict, and SIGTERM / SIGINT
// draining a request in flight before exiting 0.
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { writeModels } from './serve_helpers';

const CLI = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
const models = writeModels();
afterAll(() => fs.rmSync(models.dir, { recursive: true, force: true }));

/** Starts `liteinfer serve` and resolves with its URL once it logs that it listens. */
function start(args: string[]): Promise<{ child: ChildProcess; url: string; logs: () => string[]; exit: Promise<number | null> }> {
  const child = spawn(process.execPath, [CLI, 'serve', ...args, '--port', '0', '--threads', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stderr = '';
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        lines.push(line);
        const m = /"url":"(http:\/\/[^"]+)"/.exec(line);
        if (m) resolve({ child, url: m[1], logs: () => lines, exit });
      }
    });
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    exit.then((code) => reject(new Error(`serve exited with ${code} before listening: ${stderr}${lines.join('\n')}`)));
  });
}

describe('liteinfer serve (CLI)', () => {
  it('has --help and is listed in the main help', () => {
    const r = spawnSync(process.execPath, [CLI, 'serve', '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Usage: liteinfer serve/);
    for (const opt of ['--host', '--port', '--threads', '--instances', '--max-batch', '--batch-delay-ms', '--max-queue', '--max-body', '--timeout-ms', '--preprocess', '--labels', '--top', '--strict']) {
      expect(r.stdout).toContain(opt);
    }
    expect(spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' }).stdout).toMatch(/serve <model\|folder>/);
    const none = spawnSync(process.execPath, [CLI, 'serve'], { encoding: 'utf8' });
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/serve needs a model/);
  });

  it('reports a model that fails to load; --strict fails the start', async () => {
    const dir = fs.mkdtempSync(path.join(models.dir, 'repo-'));
    fs.copyFileSync(models.mlp, path.join(dir, 'good.onnx'));
    fs.writeFileSync(path.join(dir, 'broken.onnx'), 'not onnx');
    const strict = spawnSync(process.execPath, [CLI, 'serve', dir, '--port', '0', '--strict', '--log-level', 'error'], { encoding: 'utf8' });
    expect(strict.status).toBe(2);
    expect(strict.stderr).toMatch(/1 model\(s\) failed to load: broken/);
    const badSize = spawnSync(process.execPath, [CLI, 'serve', dir, '--max-body', 'lots'], { encoding: 'utf8' });
    expect(badSize.status).toBe(2);
    expect(badSize.stderr).toMatch(/--max-body must be a size in bytes/);
    const s = await start([dir, '--max-body', '1k', '--instances', '2']);
    try {
      const big = await fetch(`${s.url}/v2/models/good/infer`, { method: 'POST', body: JSON.stringify({ inputs: [{ name: 'x', shape: [100, 4], datatype: 'FP32', data: new Array(400).fill(1.5) }] }) });
      expect(big.status).toBe(413);
      expect((await (await fetch(`${s.url}/v2/models/good`)).json()).parameters).toMatchObject({ instances: 2, batching: true });
      const failed = s.logs().map((l) => JSON.parse(l)).find((l) => l.msg === 'model failed to load');
      expect(failed).toMatchObject({ model: 'broken', level: 50 });
      expect(s.logs().some((l) => /serving 1 of 2 model/.test(l))).toBe(true);
      expect((await fetch(`${s.url}/v2/models/good/ready`)).status).toBe(200);
    } finally {
      s.child.kill('SIGINT');
      expect(await s.exit).toBe(0);
    }
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('on %s finishes the request in flight, then exits 0', async (signal) => {
    const s = await start([models.slow, '--log-level', 'info']);
    const body = JSON.stringify({ inputs: [{ name: 'x', shape: [1, 256], datatype: 'FP32', data: new Array(256).fill(0.01) }] });
    const inFlight = fetch(`${s.url}/v2/models/slow/infer`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    // Wait until the server has the request (its incoming-request log line), then signal.
    for (let i = 0; i < 200 && !s.logs().some((l) => l.includes('incoming request') && l.includes('/infer')); i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const signalled = performance.now();
    s.child.kill(signal);
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(res.headers.get('connection')).toBe('close');
    expect((await res.json()).outputs[0].shape).toEqual([1, 256]);
    expect(await s.exit).toBe(0);
    // Not held open by the client's keep-alive connection (fastify's keep-alive timeout is 72 s).
    expect(performance.now() - signalled).toBeLessThan(20_000);
    expect(s.logs().some((l) => l.includes(`${signal}: finishing the requests in flight`))).toBe(true);
    await expect(fetch(`${s.url}/v2/health/live`)).rejects.toThrow();
  });
});
