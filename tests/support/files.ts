/** Files for upload tests: real images made by sharp, and multipart bodies as browsers send them. */
import { randomBytes } from "node:crypto";
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
