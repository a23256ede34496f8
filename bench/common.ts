import * as fs from 'node:fs';
import * as path from 'node:path';

/** The package root (the folder holding package.json), from wherever the bench was compiled. */
export function rootDir(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + __dirname);
    dir = up;
  }
  return dir;
}

export interface FeedSpec { data: Float32Array; shape: number[] }

export function writeFeedsFile(file: string, feeds: Record<string, FeedSpec>): void {
  const json = Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, { shape: v.shape, data: Array.from(v.data) }]));
  fs.writeFileSync(file, JSON.stringify(json));
}

export function readFeedsFile(file: string): Record<string, FeedSpec> {
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, { shape: number[]; data: number[] }>;
  return Object.fromEntries(Object.entries(json).map(([k, v]) => [k, { shape: v.shape, data: Float32Array.from(v.data) }]));
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function geomean(xs: number[]): number {
  return Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
}
