/**
 * Image preprocessing for vision models (`liteinfer/vision`): decode, resize, center-crop and
 * normalize an image into an input Tensor, and turn a classifier's output into the top labels.
 * Decoding and resizing use sharp (an optional dependency: `npm install sharp`).
 * @packageDocumentation
 */
import * as fs from 'node:fs';

import { invalidArgument, LiteinferError } from './errors';
import type { TensorInfo } from './network';
import { Tensor } from './tensor';

/** How an image becomes a tensor. Pixel values v in 0..255 become (v * scale - mean[c]) / std[c]. */
export interface PreprocessSpec {
  /** The shorter side is resized to this many pixels (keeping the aspect ratio) before the crop. */
  size?: number;
  /** The center crop, square (a number) or [height, width]. Default: the model input's H and W, else 224. */
  crop?: number | [number, number];
  /** Per channel, in the order of `channels`. Default [0, 0, 0]. */
  mean?: [number, number, number];
  /** Per channel. Default [1, 1, 1]. */
  std?: [number, number, number];
  /** Pixel values are multiplied by this first. Default 1 (so 0..255). */
  scale?: number;
  /** Channel order. Default 'RGB'. */
  channels?: 'RGB' | 'BGR';
  /** Tensor layout (with a leading batch dim of 1). Default 'NCHW'. */
  layout?: 'NCHW' | 'NHWC';
  /** Tensor element type. Default 'float32'; 'uint8' skips mean, std and scale. */
  dtype?: 'float32' | 'float64' | 'uint8';
  /** The resampling kernel (sharp's names). Default 'linear' (bilinear, like torchvision). */
  kernel?: 'nearest' | 'linear' | 'cubic' | 'mitchell' | 'lanczos2' | 'lanczos3';
}

/** A spec with every field resolved. */
export type ResolvedPreprocessSpec = Required<Omit<PreprocessSpec, 'crop'>> & { crop: [number, number] };

/** Named presets: 'imagenet' is torchvision's (resize 256, crop 224, ImageNet mean and std on 0..1). */
export const PRESETS: Readonly<Record<string, PreprocessSpec>> = Object.freeze({
  imagenet: { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], scale: 1 / 255, channels: 'RGB', layout: 'NCHW', dtype: 'float32' },
  none: {},
});

function positive(v: unknown, name: string): number {
  if (!Number.isSafeInteger(v) || (v as number) < 1) invalidArgument(name, 'a positive integer', v);
  return v as number;
}

function triple(v: unknown, name: string, fallback: number): [number, number, number] {
  if (v === undefined) return [fallback, fallback, fallback];
  if (!Array.isArray(v) || v.length !== 3 || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    invalidArgument(name, 'an array of 3 numbers', v);
  }
  return v as [number, number, number];
}

/**
 * Resolves a spec (a preset name, a spec object, or a path to a JSON file holding one) against a
 * model input: the crop defaults to the input's height and width, the resize to crop * 256 / 224.
 *
 * @param spec 'imagenet', 'none', a {@link PreprocessSpec}, or a path to a .json file
 * @param input the model input the tensor is for (to default the crop and check the layout)
 * @returns the spec with every field set
 * @throws LiteinferError INVALID_ARGUMENT naming the field that is wrong
 * @example
 * resolvePreprocess('imagenet').crop;   // [224, 224]
 */
export function resolvePreprocess(spec: string | PreprocessSpec = 'imagenet', input?: TensorInfo): ResolvedPreprocessSpec {
  let s: PreprocessSpec;
  if (typeof spec === 'string') {
    if (Object.prototype.hasOwnProperty.call(PRESETS, spec)) s = PRESETS[spec];
    else if (fs.existsSync(spec)) {
      try {
        s = JSON.parse(fs.readFileSync(spec, 'utf8'));
      } catch (err) {
        throw new LiteinferError('INVALID_ARGUMENT', `preprocessing spec ${spec}: ${(err as Error).message}`);
      }
    } else {
      throw new LiteinferError('INVALID_ARGUMENT', `preprocessing spec '${spec}' is neither a preset (${Object.keys(PRESETS).join(', ')}) nor a JSON file`);
    }
  } else s = spec;
  if (typeof s !== 'object' || s === null || Array.isArray(s)) invalidArgument('preprocess', 'an object', s);
  const known = ['size', 'crop', 'mean', 'std', 'scale', 'channels', 'layout', 'dtype', 'kernel'];
  for (const k of Object.keys(s)) if (!known.includes(k)) invalidArgument(`preprocess.${k}`, `one of the fields ${known.join(', ')}`, k);
  const layout = s.layout ?? 'NCHW';
  if (layout !== 'NCHW' && layout !== 'NHWC') invalidArgument('preprocess.layout', "'NCHW' or 'NHWC'", layout);
  let crop: [number, number];
  if (s.crop !== undefined) {
    crop = Array.isArray(s.crop) ? [positive(s.crop[0], 'preprocess.crop[0]'), positive(s.crop[1], 'preprocess.crop[1]')]
      : [positive(s.crop, 'preprocess.crop'), positive(s.crop, 'preprocess.crop')];
    if (Array.isArray(s.crop) && s.crop.length !== 2) invalidArgument('preprocess.crop', 'a number or [height, width]', s.crop);
  } else {
    const shape = input?.shape;
    const [h, w] = shape && shape.length === 4 ? (layout === 'NCHW' ? [shape[2], shape[3]] : [shape[1], shape[2]]) : [224, 224];
    crop = [typeof h === 'number' ? h : 224, typeof w === 'number' ? w : 224];
  }
  const size = s.size !== undefined ? positive(s.size, 'preprocess.size') : Math.round((Math.min(...crop) * 256) / 224);
  const channels = s.channels ?? 'RGB';
  if (channels !== 'RGB' && channels !== 'BGR') invalidArgument('preprocess.channels', "'RGB' or 'BGR'", channels);
  const dtype = s.dtype ?? 'float32';
  if (!['float32', 'float64', 'uint8'].includes(dtype)) invalidArgument('preprocess.dtype', "'float32', 'float64' or 'uint8'", dtype);
  const kernel = s.kernel ?? 'linear';
  if (!['nearest', 'linear', 'cubic', 'mitchell', 'lanczos2', 'lanczos3'].includes(kernel)) {
    invalidArgument('preprocess.kernel', 'nearest, linear, cubic, mitchell, lanczos2 or lanczos3', kernel);
  }
  const scale = s.scale ?? 1;
  if (typeof scale !== 'number' || !Number.isFinite(scale)) invalidArgument('preprocess.scale', 'a number', scale);
  const std = triple(s.std, 'preprocess.std', 1);
  if (std.some((x) => x === 0)) invalidArgument('preprocess.std', 'non-zero values', std);
  return { size, crop, mean: triple(s.mean, 'preprocess.mean', 0), std, scale, channels, layout, dtype, kernel };
}

interface SharpLike {
  rotate(): SharpLike;
  removeAlpha(): SharpLike;
  toColourspace(c: string): SharpLike;
  resize(o: { width: number; height: number; fit: string; kernel: string }): SharpLike;
  raw(): SharpLike;
  toBuffer(o: { resolveWithObject: true }): Promise<{ data: Buffer; info: { width: number; height: number; channels: number } }>;
}
type SharpFactory = (input: Buffer | string, options?: { failOn?: string; limitInputPixels?: number }) => SharpLike;

let sharpModule: SharpFactory | null | undefined;

/** sharp, loaded on first use, or null when it is not installed. */
export function loadSharp(): SharpFactory | null {
  if (sharpModule === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      sharpModule = require('sharp') as SharpFactory;
    } catch {
      sharpModule = null;
    }
  }
  return sharpModule;
}

/** Thrown when the bytes are not an image sharp can decode (the server answers 400). */
export class ImageDecodeError extends LiteinferError {
  constructor(message: string) {
    super('INVALID_INPUT', message);
  }
}

/**
 * Decodes an image, resizes its shorter side to `size`, center-crops `crop`, and normalizes it
 * into a tensor of shape [1, 3, H, W] (NCHW) or [1, H, W, 3] (NHWC). EXIF orientation is applied,
 * alpha dropped, greyscale expanded to three channels.
 *
 * @param image the encoded image (JPEG, PNG, WebP, GIF, TIFF, AVIF ...) or a path to one
 * @param spec a preset name ('imagenet'), a {@link PreprocessSpec}, or a path to a JSON spec
 * @param input the model input, to default the crop to its H and W
 * @returns the input tensor
 * @throws LiteinferError INVALID_ARGUMENT for a bad spec or when sharp is not installed;
 *   ImageDecodeError (code INVALID_INPUT) when the image does not decode
 * @example
 * import { imageToTensor } from 'liteinfer/vision';
 * const x = await imageToTensor('cat.jpg', 'imagenet');   // Tensor float32 [1, 3, 224, 224]
 * const out = await net.run({ [net.inputs[0].name]: x });
 */
export async function imageToTensor(image: Uint8Array | string, spec: string | PreprocessSpec | ResolvedPreprocessSpec = 'imagenet',
  input?: TensorInfo): Promise<Tensor> {
  const sharp = loadSharp();
  if (!sharp) throw new LiteinferError('INVALID_ARGUMENT', 'image preprocessing needs sharp: npm install sharp');
  if (!(image instanceof Uint8Array) && typeof image !== 'string') invalidArgument('image', 'the image bytes (Uint8Array) or a path', image);
  const s = resolvePreprocess(spec as PreprocessSpec, input);
  const [ch, cw] = s.crop;
  const src = typeof image === 'string' ? image : Buffer.from(image.buffer, image.byteOffset, image.byteLength);
  let raw: Awaited<ReturnType<SharpLike['toBuffer']>>;
  try {
    // Decoding errors (not warnings) fail; the pixel limit bounds memory for hostile inputs (sharp's default, 268 MP).
    raw = await sharp(src, { failOn: 'error' }).rotate().toColourspace('srgb').removeAlpha()
      .resize({ width: s.size, height: s.size, fit: 'outside', kernel: s.kernel }).raw().toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw new ImageDecodeError(`the image does not decode: ${(err as Error).message}`);
  }
  const { data, info } = raw;
  const { width, height, channels } = info;
  // The shorter side is s.size; a crop larger than a side takes what there is, centered, edge-padded.
  const top = Math.floor((height - ch) / 2);
  const left = Math.floor((width - cw) / 2);
  const n = ch * cw;
  const out = s.dtype === 'uint8' ? new Uint8Array(3 * n) : s.dtype === 'float64' ? new Float64Array(3 * n) : new Float32Array(3 * n);
  const order = s.channels === 'RGB' ? [0, 1, 2] : [2, 1, 0];
  const norm = s.dtype !== 'uint8';
  for (let y = 0; y < ch; y++) {
    const sy = Math.min(height - 1, Math.max(0, top + y));
    for (let x = 0; x < cw; x++) {
      const sx = Math.min(width - 1, Math.max(0, left + x));
      const px = (sy * width + sx) * channels;
      for (let c = 0; c < 3; c++) {
        const v = data[px + (channels >= 3 ? order[c] : 0)];
        const value = norm ? (v * s.scale - s.mean[c]) / s.std[c] : v;
        out[s.layout === 'NCHW' ? c * n + y * cw + x : (y * cw + x) * 3 + c] = value;
      }
    }
  }
  const shape = s.layout === 'NCHW' ? [1, 3, ch, cw] : [1, ch, cw, 3];
  return new Tensor(s.dtype, out as Float32Array, shape);
}

/** One entry of {@link topK}. */
export interface Prediction {
  index: number;
  /** The label from the labels list, or the index as a string when there is none. */
  label: string;
  score: number;
}

/**
 * The K best classes of one row of scores. Scores that are not already probabilities (some value
 * outside [0, 1], or a sum away from 1 by more than 1e-3) are taken as logits and go through a
 * softmax first.
 *
 * @param scores one row of class scores (logits or probabilities)
 * @param k how many to return
 * @param labels class names by index (a labels.txt file, one per line)
 * @returns the best K, highest score first
 * @example
 * topK(new Float32Array([0.1, 2, -1]), 2, ['cat', 'dog', 'fish']);  // [{ index: 1, label: 'dog', ... }, ...]
 */
export function topK(scores: ArrayLike<number>, k: number, labels?: readonly string[]): Prediction[] {
  positive(k, 'k');
  const n = scores.length;
  let sum = 0;
  let isProb = true;
  for (let i = 0; i < n; i++) {
    const v = scores[i];
    sum += v;
    if (!(v >= 0 && v <= 1)) isProb = false;
  }
  let probs: ArrayLike<number> = scores;
  if (!isProb || Math.abs(sum - 1) > 1e-3) {
    let max = -Infinity;
    for (let i = 0; i < n; i++) max = Math.max(max, scores[i]);
    const e = new Float64Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) total += e[i] = Math.exp(scores[i] - max);
    for (let i = 0; i < n; i++) e[i] /= total;
    probs = e;
  }
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => probs[b] - probs[a] || a - b).slice(0, k);
  return idx.map((i) => ({ index: i, label: labels?.[i] ?? String(i), score: probs[i] }));
}

/**
 * Reads a labels file: one label per line (a trailing empty line is ignored).
 *
 * @param file the path of labels.txt
 * @returns the labels by class index
 * @throws LiteinferError INVALID_ARGUMENT when the file cannot be read
 * @example
 * const labels = readLabels('labels.txt');   // ['tench', 'goldfish', ...]
 */
export function readLabels(file: string): string[] {
  if (typeof file !== 'string') invalidArgument('labels', 'the path of a labels file', file);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new LiteinferError('INVALID_ARGUMENT', `cannot read the labels file ${file}: ${(err as Error).message}`);
  }
  const lines = text.split(/\r?\n/);
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
