// JPEG encoding for simulated frames: jpeg-js's encoder, kept alive between frames instead of rebuilt for each one.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { encode as encodeOnce } from 'jpeg-js';

/** An RGBA image and the comments (COM segments) to write. */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly data: ArrayLike<number>;
  readonly comments?: string[];
}

interface JpegJsEncoder {
  encode(image: RgbaImage, quality: number): Uint8Array;
}
type EncoderCtor = new (quality: number) => JpegJsEncoder;

let ctor: EncoderCtor | null | undefined;
const encoders = new Map<number, JpegJsEncoder>();

/**
 * Encodes `image` as a baseline JPEG with jpeg-js. `jpeg-js.encode()` constructs a new encoder on every call, and that
 * construction (Huffman and category tables, fresh closures V8 must warm up again) costs ~20 ms, two thirds of a
 * 640 x 360 frame. jpeg-js does not export its `JPEGEncoder`, so the pinned 0.4.4 source is evaluated once to reach
 * it and one instance per quality is reused (the output is byte-identical, see the scene test). If that ever fails
 * (another jpeg-js layout, a bundle without node_modules), `jpeg-js.encode()` is used as is.
 */
export function encodeJpeg(image: RgbaImage, quality: number): Uint8Array {
  ctor ??= loadEncoder();
  if (!ctor) {
    const out = encodeOnce({ ...image, data: image.data as Uint8Array, comments: image.comments ?? [] }, quality);
    return new Uint8Array(out.data.buffer, out.data.byteOffset, out.data.byteLength);
  }
  let encoder = encoders.get(quality);
  if (!encoder) {
    encoder = new ctor(quality);
    encoders.set(quality, encoder);
  }
  const out = encoder.encode(image, quality);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

function loadEncoder(): EncoderCtor | null {
  try {
    const require = createRequire(import.meta.url);
    const file = require.resolve('jpeg-js/lib/encoder.js');
    const source = readFileSync(file, 'utf8');
    // The file is a CommonJS module declaring `function JPEGEncoder(quality)`; run it as a function body and hand it back.
    const factory = new Function('module', 'exports', 'require', 'Buffer', `${source}\n;return typeof JPEGEncoder === 'function' ? JPEGEncoder : null;`);
    const module = { exports: {} };
    const found = factory(module, module.exports, require, Buffer) as EncoderCtor | null;
    return typeof found === 'function' ? found : null;
  } catch {
    return null;
  }
}
