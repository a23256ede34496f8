// Images in, labels out: imageToTensor (liteinfer/vision), the classify route and
// `liteinfer run --image`, on images generated from raw pixels with sharp.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Network, serve, type Server } from '../dist/index.js';
import { imageToTensor, resolvePreprocess, topK } from '../dist/vision.js';
import { writeModels } from './serve_helpers';

function sharpOrNull(): any {
  try {
    return require('sharp');
  } catch {
    return null;
  }
}
const sharp = sharpOrNull();
const CLI = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
const models = writeModels();
afterAll(() => fs.rmSync(models.dir, { recursive: true, force: true }));
const labelsFile = path.join(models.dir, 'labels.txt');
fs.writeFileSync(labelsFile, Array.from({ length: 10 }, (_, i) => `class-${i}`).join('\n') + '\n');

/** An image from a pixel function (RGB 0..255), encoded as PNG or JPEG. */
async function image(width: number, height: number, px: (x: number, y: number) => [number, number, number], format: 'png' | 'jpeg' = 'png', channels = 3): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = px(x, y);
      for (let c = 0; c < channels; c++) raw[(y * width + x) * channels + c] = v[c];
    }
  }
  const s = sharp(raw, { raw: { width, height, channels } });
  return format === 'png' ? s.png().toBuffer() : s.jpeg({ quality: 95 }).toBuffer();
}

const gradient = (x: number, y: number): [number, number, number] => [(x * 7) % 256, (y * 5) % 256, ((x + y) * 3) % 256];

describe('liteinfer/vision', () => {
  it('is a subpath export for require and import', () => {
    const cjs = spawnSync(process.execPath, ['-e', "const v = require('liteinfer/vision'); console.log(typeof v.imageToTensor, typeof v.topK)"], { encoding: 'utf8', cwd: path.join(__dirname, '..') });
    expect(cjs.stdout.trim(), cjs.stderr).toBe('function function');
    const esm = spawnSync(process.execPath, ['--input-type=module', '-e', "import { imageToTensor } from 'liteinfer/vision'; import { serve } from 'liteinfer'; console.log(typeof imageToTensor, typeof serve)"], { encoding: 'utf8', cwd: path.join(__dirname, '..') });
    expect(esm.stdout.trim(), esm.stderr).toBe('function function');
  });
});

describe('resolvePreprocess', () => {
  it('defaults the crop to the model input and checks every field', () => {
    const input = { name: 'input', dtype: 'float32' as const, shape: ['N', 3, 96, 128] };
    expect(resolvePreprocess('imagenet', input)).toMatchObject({ crop: [96, 128], size: 110, layout: 'NCHW', channels: 'RGB', scale: 1 / 255 });
    expect(resolvePreprocess('imagenet').crop).toEqual([224, 224]);
    expect(resolvePreprocess('imagenet').size).toBe(256);
    expect(() => resolvePreprocess('nope')).toThrow(/neither a preset \(imagenet, none\) nor a JSON file/);
    expect(() => resolvePreprocess({ layout: 'CHW' as 'NCHW' })).toThrow(/preprocess.layout/);
    expect(() => resolvePreprocess({ mean: [1, 2] as unknown as [number, number, number] })).toThrow(/preprocess.mean/);
    expect(() => resolvePreprocess({ colour: 1 } as object)).toThrow(/preprocess.colour/);
    const file = path.join(models.dir, 'spec.json');
    fs.writeFileSync(file, JSON.stringify({ size: 40, crop: [32, 32], channels: 'BGR' }));
    expect(resolvePreprocess(file)).toMatchObject({ size: 40, crop: [32, 32], channels: 'BGR', mean: [0, 0, 0], std: [1, 1, 1] });
  });

  it('picks the top classes, with a softmax for logits only', () => {
    const logits = topK(new Float32Array([0, 2, -1, 1]), 2, ['a', 'b', 'c', 'd']);
    expect(logits.map((p) => [p.index, p.label])).toEqual([[1, 'b'], [3, 'd']]);
    expect(logits[0].score).toBeCloseTo(Math.exp(2) / (1 + Math.exp(2) + Math.exp(-1) + Math.exp(1)), 6);
    const probs = topK([0.1, 0.7, 0.2], 3);
    expect(probs).toEqual([{ index: 1, label: '1', score: 0.7 }, { index: 2, label: '2', score: 0.2 }, { index: 0, label: '0', score: 0.1 }]);
  });
});

describe.skipIf(!sharp)('images (skipped: sharp is not installed)', () => {
  it('resizes the shorter side, center-crops and normalizes (NCHW, RGB)', async () => {
    // 64 x 32: the left half red, the right half blue. Shorter side 32 = size: no resize; the
    // center crop 32 x 32 takes columns 16..47, so red columns 0..15, blue 16..31.
    const png = await image(64, 32, (x) => (x < 32 ? [255, 0, 0] : [0, 0, 255]));
    const t = await imageToTensor(png, { size: 32, crop: 32, scale: 1 / 255, kernel: 'nearest' });
    expect(t.dtype).toBe('float32');
    expect(t.shape).toEqual([1, 3, 32, 32]);
    const d = t.data as Float32Array;
    const at = (c: number, y: number, x: number) => d[c * 1024 + y * 32 + x];
    expect([at(0, 5, 0), at(1, 5, 0), at(2, 5, 0)]).toEqual([1, 0, 0]);
    expect([at(0, 5, 15), at(2, 5, 15)]).toEqual([1, 0]);
    expect([at(0, 5, 16), at(2, 5, 16)]).toEqual([0, 1]);
    expect([at(0, 31, 31), at(2, 31, 31)]).toEqual([0, 1]);
  });

  it('applies mean, std, BGR order, NHWC layout and uint8', async () => {
    const png = await image(20, 20, () => [200, 100, 50]);
    const t = await imageToTensor(png, { crop: 10, size: 10, mean: [1, 2, 3], std: [2, 4, 8], channels: 'BGR', layout: 'NHWC' });
    expect(t.shape).toEqual([1, 10, 10, 3]);
    expect(Array.from((t.data as Float32Array).slice(0, 3))).toEqual([(50 - 1) / 2, (100 - 2) / 4, (200 - 3) / 8]);
    const u = await imageToTensor(png, { crop: 4, size: 4, dtype: 'uint8' });
    expect(u.dtype).toBe('uint8');
    expect(Array.from((u.data as Uint8Array).slice(0, 2))).toEqual([200, 200]);
    expect((u.data as Uint8Array)[16]).toBe(100);
    // Greyscale becomes three equal channels.
    const grey = await image(8, 8, () => [77, 0, 0], 'png', 1);
    const g = await imageToTensor(grey, { crop: 8, size: 8, dtype: 'uint8' });
    expect([g.data[0], g.data[64], g.data[128]]).toEqual([77, 77, 77]);
  });

  it('rejects bytes that are not an image', async () => {
    await expect(imageToTensor(Buffer.from('not an image at all'), 'imagenet')).rejects.toThrow(/the image does not decode/);
  });

  describe('the classify route', () => {
    let server: Server;
    let net: Network;
    beforeAll(async () => {
      server = await serve({ models: [models.cnn, models.mlp], port: 0, threads: 1, labels: { cnn: labelsFile }, top: 3, maxBodyBytes: 200_000 });
      net = await Network.load(models.cnn, { threads: 1 });
    });
    afterAll(async () => {
      await server.close();
      net.dispose();
    });
    const url = () => `${server.url}/v2/models/cnn/classify`;

    it('classifies a multipart upload (field file) like the library does', async () => {
      const png = await image(48, 40, gradient);
      const form = new FormData();
      form.append('file', new Blob([png], { type: 'image/png' }), 'gradient.png');
      const res = await fetch(url(), { method: 'POST', body: form });
      const body = await res.json();
      expect(res.status, JSON.stringify(body)).toBe(200);
      expect(body.filename).toBe('gradient.png');
      expect(body.top).toHaveLength(3);
      const x = await imageToTensor(png, 'imagenet', net.inputs[0]);
      expect(x.shape).toEqual([1, 3, 32, 32]);
      const expected = topK((await net.run({ input: x })).logits.data as Float32Array, 3, fs.readFileSync(labelsFile, 'utf8').trim().split('\n'));
      expect(body.top.map((p: { index: number; label: string }) => [p.index, p.label])).toEqual(expected.map((p) => [p.index, p.label]));
      body.top.forEach((p: { score: number }, i: number) => expect(p.score).toBeCloseTo(expected[i].score, 6));
      expect(body.top[0].score).toBeGreaterThanOrEqual(body.top[1].score);
    });

    it('classifies a raw image/jpeg body, with ?top=N', async () => {
      const jpg = await image(40, 40, gradient, 'jpeg');
      const res = await fetch(`${url()}?top=2`, { method: 'POST', body: jpg, headers: { 'content-type': 'image/jpeg' } });
      const body = await res.json();
      expect(res.status, JSON.stringify(body)).toBe(200);
      expect(body.filename).toBeNull();
      expect(body.top).toHaveLength(2);
      expect(body.top[0].label).toMatch(/^class-\d$/);
    });

    it('answers 415 for a non-image type, 400 for an image that does not decode, 413 beyond the limit', async () => {
      const text = await fetch(url(), { method: 'POST', body: 'hello', headers: { 'content-type': 'text/plain' } });
      expect(text.status).toBe(415);
      expect((await text.json()).error).toMatch(/unsupported content type 'text\/plain'/);
      const json = await fetch(url(), { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
      expect(json.status).toBe(415);
      const form = new FormData();
      form.append('file', new Blob(['just text'], { type: 'text/plain' }), 'notes.txt');
      const part = await fetch(url(), { method: 'POST', body: form });
      expect(part.status).toBe(415);
      expect((await part.json()).error).toMatch(/the file 'notes.txt' has the type 'text\/plain', not an image/);
      const broken = await fetch(url(), { method: 'POST', body: Buffer.from('\x89PNG garbage'), headers: { 'content-type': 'image/png' } });
      expect(broken.status).toBe(400);
      expect((await broken.json()).error).toMatch(/the image does not decode/);
      const noFile = new FormData();
      noFile.append('other', 'x');
      const nf = await fetch(url(), { method: 'POST', body: noFile });
      expect(nf.status).toBe(400);
      expect((await nf.json()).error).toMatch(/no file in the field 'file'/);
      const big = await fetch(url(), { method: 'POST', body: Buffer.alloc(300_000, 1), headers: { 'content-type': 'image/png' } });
      expect(big.status).toBe(413);
      const bigForm = new FormData();
      bigForm.append('file', new Blob([Buffer.alloc(300_000, 1)], { type: 'image/png' }), 'big.png');
      expect((await fetch(url(), { method: 'POST', body: bigForm })).status).toBe(413);
      const badTop = await fetch(`${url()}?top=0`, { method: 'POST', body: await image(8, 8, gradient), headers: { 'content-type': 'image/png' } });
      expect(badTop.status).toBe(400);
      expect((await badTop.json()).error).toMatch(/'top' must be a positive integer/);
    });

    it('answers 400 for a model that does not take an image', async () => {
      const res = await fetch(`${server.url}/v2/models/mlp/classify`, { method: 'POST', body: await image(8, 8, gradient), headers: { 'content-type': 'image/png' } });
      expect(res.status).toBe(400);
      expect((await res.json()).error).toMatch(/model 'mlp'.*(shape|image)/);
    });
  });

  it('liteinfer run --image classifies like the library', async () => {
    const file = path.join(models.dir, 'cat.png');
    fs.writeFileSync(file, await image(50, 36, gradient));
    const r = spawnSync(process.execPath, [CLI, 'run', models.cnn, '--image', file, '--preprocess', 'imagenet', '--labels', labelsFile, '--top', '4', '--json', '--threads', '1'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.top).toHaveLength(4);
    const net = await Network.load(models.cnn, { threads: 1 });
    const expected = topK((await net.run({ input: await imageToTensor(file, 'imagenet', net.inputs[0]) })).logits.data as Float32Array, 4);
    net.dispose();
    expect(out.top.map((p: { index: number }) => p.index)).toEqual(expected.map((p) => p.index));
    expect(out.top[0].label).toBe(`class-${expected[0].index}`);
    const text = spawnSync(process.execPath, [CLI, 'run', models.cnn, '--image', file, '--top', '2'], { encoding: 'utf8' });
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout.trim().split('\n')).toHaveLength(3);
    const bad = spawnSync(process.execPath, [CLI, 'run', models.cnn, '--labels', labelsFile], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--labels needs --image/);
  });
});
