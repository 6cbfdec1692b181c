/** Files for upload tests: real images made by sharp, and multipart bodies as browsers send them. */
import { randomBytes } from "node:crypto";
import zlib from "node:zlib";
import sharp from "sharp";

/** A PNG of `width`×`height` pixels (a gradient, so it does not compress to nothing). */
export async function pngOf(width: number, height: number): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3);
  for (let i = 0; i < raw.length; i += 3) {
    const p = i / 3;
    raw[i] = (p % width) & 255;
    raw[i + 1] = Math.floor(p / width) & 255;
    raw[i + 2] = 128;
  }
  return sharp(raw, { raw: { width, height, channels: 3 } }).png().toBuffer();
}

/** A JPEG with EXIF: camera orientation 6 (shown rotated a quarter turn) and a GPS position. */
export async function geotaggedJpeg(width: number, height: number): Promise<Buffer> {
  return sharp(await pngOf(width, height))
    .jpeg()
    .withMetadata({ orientation: 6 })
    .withExif({ IFD0: { Make: "ParleyCam" }, IFD3: { GPSLatitudeRef: "N", GPSLatitude: "48/1 51/1 2915/100", GPSLongitudeRef: "E", GPSLongitude: "2/1 17/1 4015/100" } })
    .toBuffer();
}

/** A multipart/form-data body with one file part (and any extra parts), and its Content-Type. */
export function multipart(parts: { field: string; filename?: string; type?: string; data: Buffer | string }[]): { body: Buffer; contentType: string } {
  const boundary = `----parley${randomBytes(8).toString("hex")}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = p.filename === undefined ? `form-data; name="${p.field}"` : `form-data; name="${p.field}"; filename="${p.filename}"`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${p.type ? `Content-Type: ${p.type}\r\n` : ""}\r\n`));
    chunks.push(Buffer.isBuffer(p.data) ? p.data : Buffer.from(p.data));
    chunks.push(Buffer.from("\r\n"));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/**
 * A PNG that is tiny on disk and huge decoded (a decompression bomb): `width`×`height` RGBA
 * pixels of `depth` bits, all zero, optionally Adam7-interlaced, written row by row by hand (no
 * decoder or encoder ever holds it). 7000×7000, 16-bit, interlaced: 381 KB, 392 MB decoded.
 */
export async function pngBomb(width: number, height: number, { depth = 16, interlace = true }: { depth?: 8 | 16; interlace?: boolean } = {}): Promise<Buffer> {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const typed = Buffer.concat([Buffer.from(type), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    typed.copy(out, 4);
    out.writeUInt32BE(crc(typed), 8 + data.length);
    return out;
  };
  const bytesPerPixel = (4 * depth) / 8;
  // Adam7's passes (x0, y0, dx, dy), or the whole image once
  const passes = interlace ? [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]] : [[0, 0, 1, 1]];
  // the same zero row (filter byte and pixels) written again and again into one deflate stream
  const deflate = zlib.createDeflate({ level: 9 });
  const compressed: Buffer[] = [];
  deflate.on("data", (c: Buffer) => compressed.push(c));
  const ended = new Promise((resolve) => deflate.on("end", resolve));
  for (const [x0, y0, dx, dy] of passes) {
    const w = Math.ceil((width - x0) / dx);
    const h = Math.ceil((height - y0) / dy);
    if (w <= 0 || h <= 0) continue;
    const row = Buffer.alloc(1 + w * bytesPerPixel);
    for (let y = 0; y < h; y++) if (!deflate.write(row)) await new Promise((resolve) => deflate.once("drain", resolve));
  }
  deflate.end();
  await ended;
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = depth;
  header[9] = 6; // RGBA
  header[12] = interlace ? 1 : 0;
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", header), chunk("IDAT", Buffer.concat(compressed)), chunk("IEND", Buffer.alloc(0))]);
}
