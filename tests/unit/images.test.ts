/**
 * What an uploaded image may cost to decode (lib/platform/images.ts): line-by-line decodes up to
 * 50 megapixels, decodes that hold the whole image (interlaced, progressive, 16-bit, GIF, WebP) up to
 * 96 MiB of pixels, read from the header before any decoding.
 */
import { mayDecode, MAX_HELD_DECODE_BYTES } from "@/lib/platform/images";

const png = (width: number, height: number, more: Partial<Parameters<typeof mayDecode>[0]> = {}) => ({ width, height, channels: 4 as const, depth: "uchar" as const, format: "png" as const, isProgressive: false, ...more });

describe("how large an image may be decoded", () => {
  test("a baseline JPEG or non-interlaced 8-bit PNG up to 50 megapixels (libvips streams it)", () => {
    expect(mayDecode(png(10_000, 5_000))).toBe(true);
    expect(mayDecode(png(10_000, 5_001))).toBe(false);
    expect(mayDecode({ ...png(8_000, 6_000), format: "jpeg", channels: 3 })).toBe(true);
  });

  test("an interlaced or 16-bit PNG, a progressive JPEG, a GIF or a WebP only within the held-decode budget", () => {
    // the bomb found in the attack pass: 381 KB on disk, 392 MB decoded
    expect(mayDecode(png(7_000, 7_000, { depth: "ushort", isProgressive: true }))).toBe(false);
    expect(mayDecode(png(7_000, 7_000, { depth: "ushort" }))).toBe(false);
    expect(mayDecode(png(7_000, 7_000, { isProgressive: true }))).toBe(false);
    expect(mayDecode({ ...png(4_000, 3_000), format: "jpeg", channels: 3, isProgressive: true })).toBe(true);
    expect(mayDecode({ ...png(4_000, 4_000), format: "webp" })).toBe(true); // 64 MB
    expect(mayDecode({ ...png(5_200, 5_200), format: "gif" })).toBe(false); // 108 MB
    const side = Math.floor(Math.sqrt(MAX_HELD_DECODE_BYTES / 4));
    expect(mayDecode({ ...png(side, side), format: "webp" })).toBe(true);
    expect(mayDecode({ ...png(side + 1, side + 1), format: "webp" })).toBe(false);
  });

  test("an image without a size in its header is not decoded", () => {
    expect(mayDecode({ ...png(0, 0), width: undefined as unknown as number })).toBe(false);
  });
});
