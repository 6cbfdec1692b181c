/**
 * What an uploaded image may cost the server to decode (thumbnails, lib/attachments/upload.ts;
 * avatars, lib/people/avatar-upload.ts), so that a small file cannot take a node's memory: a
 * 381 KB PNG of 7000×7000 16-bit pixels, interlaced, made libvips hold 392 MB, and six at once
 * took a node to 2.2 GB. Pixels alone do not bound it: bytes per pixel do, and whether the decoder
 * can read line by line (a baseline JPEG, a non-interlaced 8-bit PNG: libvips streams those, and
 * shrinks JPEGs as it loads them) or must hold the whole image (interlaced PNG, progressive JPEG,
 * 16-bit samples, GIF, WebP). As in the decompression-bomb guidance of OWASP's File Upload cheat
 * sheet: read the header first, refuse before decoding.
 */
import "server-only";
import sharp, { type Metadata } from "sharp";

// libvips would keep recent operations (and their pixels) for reuse; uploads never repeat one
sharp.cache(false);

/** The most pixels an image read line by line may have. */
export const MAX_STREAMED_PIXELS = 50_000_000;
/** The most bytes an image whose decoder holds it whole may take once decoded (32 MP of RGB). */
export const MAX_HELD_DECODE_BYTES = 96 * 1024 * 1024;
/** Images decoded at once in one process; more wait their turn. */
export const IMAGE_JOBS = 2;

/** Bytes per sample of a libvips band format. */
function sampleBytes(depth: Metadata["depth"]): number {
  if (depth === "ushort" || depth === "short") return 2;
  if (depth === "uint" || depth === "int" || depth === "float") return 4;
  if (depth === "double" || depth === "complex") return 8;
  if (depth === "dpcomplex") return 16;
  return 1;
}

/**
 * Whether an image with these header facts (sharp's `metadata()`, read without decoding) may be
 * decoded: a streamed one up to MAX_STREAMED_PIXELS, any other up to MAX_HELD_DECODE_BYTES decoded.
 */
export function mayDecode(meta: Pick<Metadata, "width" | "height" | "channels" | "depth" | "format" | "isProgressive">): boolean {
  const { width, height } = meta;
  if (!width || !height) return false;
  const pixels = width * height;
  const perSample = sampleBytes(meta.depth);
  const streamed = (meta.format === "jpeg" || meta.format === "png") && !meta.isProgressive && perSample === 1;
  if (streamed) return pixels <= MAX_STREAMED_PIXELS;
  return pixels * (meta.channels ?? 4) * perSample <= MAX_HELD_DECODE_BYTES;
}

let running = 0;
const waiting: (() => void)[] = [];

/** Runs `job` (a decode) once fewer than IMAGE_JOBS run in this process; answers what it answers. */
export async function imageJob<T>(job: () => Promise<T>): Promise<T> {
  if (running >= IMAGE_JOBS) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await job();
  } finally {
    running--;
    waiting.shift()?.();
  }
}
