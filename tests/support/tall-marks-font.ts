/**
 * A tiny TrueType font, built in memory, for browser tests of text that draws outside its box.
 * The fonts on a test machine (DejaVu, Liberation) draw a stack of combining marks as one blob on
 * top of the letter, so "zalgo" text never leaves its line there; phone fonts stack each mark
 * above the last and a tower of them reaches far above and below the line. This font draws what a
 * tower looks like: Latin letters and the space as plain boxes, and every combining diacritical
 * mark (U+0300–U+036F) and U+0489 as a tall bar — above the letter (1.0–2.6 em over the baseline),
 * or below it (0.3–2.4 em under) for the "below" marks U+0316–U+0333 — so one mark's ink already
 * leaves a normal line box. Tables: the TrueType minimum (OpenType spec, "Required tables").
 */

const UNITS = 1000;

type Glyph = { advance: number; box: [number, number, number, number] | null };

const LETTER: Glyph = { advance: 550, box: [50, 0, 500, 700] };
const SPACE: Glyph = { advance: 300, box: null };
const ABOVE: Glyph = { advance: 0, box: [-450, 1000, -100, 2600] };
const BELOW: Glyph = { advance: 0, box: [-450, -2400, -100, -300] };

/** Code points → glyphs, as consecutive ranges (glyph ids follow in this order; 0 is .notdef). */
function ranges(): Array<{ start: number; end: number; glyph: (cp: number) => Glyph }> {
  return [
    { start: 0x20, end: 0x20, glyph: () => SPACE },
    { start: 0x41, end: 0x5a, glyph: () => LETTER },
    { start: 0x61, end: 0x7a, glyph: () => LETTER },
    { start: 0x300, end: 0x36f, glyph: (cp) => (cp >= 0x316 && cp <= 0x333 ? BELOW : ABOVE) },
    { start: 0x489, end: 0x489, glyph: () => ABOVE },
  ];
}

class Writer {
  private bytes: number[] = [];
  u8(v: number) {
    this.bytes.push(v & 0xff);
    return this;
  }
  u16(v: number) {
    return this.u8(v >> 8).u8(v);
  }
  i16(v: number) {
    return this.u16(v < 0 ? v + 0x10000 : v);
  }
  u32(v: number) {
    return this.u16(Math.floor(v / 0x10000)).u16(v & 0xffff);
  }
  raw(b: number[] | Buffer) {
    for (const x of b) this.u8(x);
    return this;
  }
  pad4() {
    while (this.bytes.length % 4) this.u8(0);
    return this;
  }
  get length() {
    return this.bytes.length;
  }
  buffer(): Buffer {
    return Buffer.from(this.bytes);
  }
}

function checksum(b: Buffer): number {
  const padded = Buffer.concat([b, Buffer.alloc((4 - (b.length % 4)) % 4)]);
  let sum = 0;
  for (let i = 0; i < padded.length; i += 4) sum = (sum + padded.readUInt32BE(i)) >>> 0;
  return sum;
}

/** The font's bytes (a .ttf), to load with `new FontFace(name, bytes)`. */
export function tallMarksFont(): Buffer {
  const glyphs: Glyph[] = [{ advance: 500, box: null }];
  const cmap: Array<{ start: number; end: number; firstGlyph: number }> = [];
  for (const r of ranges()) {
    cmap.push({ start: r.start, end: r.end, firstGlyph: glyphs.length });
    for (let cp = r.start; cp <= r.end; cp++) glyphs.push(r.glyph(cp));
  }

  // glyf and loca (short offsets: every glyph's length is even)
  const glyf = new Writer();
  const loca: number[] = [];
  for (const g of glyphs) {
    loca.push(glyf.length / 2);
    if (!g.box) continue;
    const [x0, y0, x1, y1] = g.box;
    glyf.i16(1).i16(x0).i16(y0).i16(x1).i16(y1); // one contour and its bounds
    glyf.u16(3).u16(0); // its last point is point 3; no instructions
    glyf.raw([1, 1, 1, 1]); // four on-curve points, x and y as int16 deltas
    for (const dx of [x0, 0, x1 - x0, 0]) glyf.i16(dx);
    for (const dy of [y0, y1 - y0, 0, y0 - y1]) glyf.i16(dy);
  }
  loca.push(glyf.length / 2);
  const locaW = new Writer();
  for (const o of loca) locaW.u16(o);

  const hmtx = new Writer();
  for (const g of glyphs) hmtx.u16(g.advance).i16(g.box ? g.box[0] : 0);

  // cmap: one format 4 subtable (Windows, Unicode BMP); each range maps to consecutive glyphs
  const segs = [...cmap, { start: 0xffff, end: 0xffff, firstGlyph: 1 - 0xffff }];
  const segX2 = segs.length * 2;
  const searchRange = 2 * 2 ** Math.floor(Math.log2(segs.length));
  const sub = new Writer().u16(4).u16(16 + segs.length * 8).u16(0).u16(segX2).u16(searchRange).u16(Math.log2(searchRange / 2)).u16(segX2 - searchRange);
  for (const s of segs) sub.u16(s.end);
  sub.u16(0);
  for (const s of segs) sub.u16(s.start);
  for (const s of segs) sub.u16((s.firstGlyph - s.start + 0x10000) & 0xffff);
  for (let i = 0; i < segs.length; i++) sub.u16(0);
  const cmapW = new Writer().u16(0).u16(1).u16(3).u16(1).u32(12).raw(sub.buffer());

  const head = new Writer()
    .u32(0x00010000).u32(0x00010000).u32(0).u32(0x5f0f3cf5).u16(0x000b).u16(UNITS)
    .u32(0).u32(0).u32(0).u32(0) // created, modified
    .i16(-450).i16(-2400).i16(550).i16(2600)
    .u16(0).u16(8).i16(2).i16(0).i16(0);
  const hhea = new Writer()
    .u32(0x00010000).i16(800).i16(-200).i16(0).u16(550).i16(-450).i16(0).i16(500)
    .i16(1).i16(0).i16(0).i16(0).i16(0).i16(0).i16(0).i16(0).u16(glyphs.length);
  const maxp = new Writer().u32(0x00010000).u16(glyphs.length).u16(4).u16(1).u16(0).u16(0).u16(2);
  for (let i = 0; i < 8; i++) maxp.u16(0);
  const os2 = new Writer()
    .u16(4).i16(500).u16(400).u16(5).u16(0)
    .i16(650).i16(600).i16(0).i16(75).i16(650).i16(600).i16(0).i16(350).i16(50).i16(300).i16(0)
    .raw(new Array(10).fill(0)) // panose
    .u32(1).u32(0).u32(0).u32(0) // Unicode ranges: Basic Latin
    .raw([0x50, 0x41, 0x52, 0x4c]) // vendor "PARL"
    .u16(0x40).u16(0x20).u16(0x489)
    .i16(800).i16(-200).i16(0).u16(2600).u16(2400)
    .u32(1).u32(0) // code pages: Latin 1
    .i16(700).i16(700).u16(0).u16(0x20).u16(0);
  const names = ["Parley Tall Marks", "Regular", "Parley Tall Marks", "ParleyTallMarks-Regular"];
  const nameIds = [1, 2, 4, 6];
  const strings = names.map((s) => Buffer.from(s, "utf16le").swap16());
  const name = new Writer().u16(0).u16(names.length).u16(6 + names.length * 12);
  let offset = 0;
  strings.forEach((s, i) => {
    name.u16(3).u16(1).u16(0x409).u16(nameIds[i]).u16(s.length).u16(offset);
    offset += s.length;
  });
  for (const s of strings) name.raw(s);
  const post = new Writer().u32(0x00030000).u32(0).i16(-100).i16(50).u32(0).u32(0).u32(0).u32(0).u32(0);

  const tables: Array<[string, Buffer]> = (
    [
      ["OS/2", os2],
      ["cmap", cmapW],
      ["glyf", glyf],
      ["head", head],
      ["hhea", hhea],
      ["hmtx", hmtx],
      ["loca", locaW],
      ["maxp", maxp],
      ["name", name],
      ["post", post],
    ] as Array<[string, Writer]>
  ).map(([tag, w]) => [tag, w.buffer()]);

  const n = tables.length;
  const sr = 16 * 2 ** Math.floor(Math.log2(n));
  const font = new Writer().u32(0x00010000).u16(n).u16(sr).u16(Math.log2(sr / 16)).u16(n * 16 - sr);
  let at = 12 + n * 16;
  for (const [tag, data] of tables) {
    font.raw(Buffer.from(tag, "latin1")).u32(checksum(data)).u32(at).u32(data.length);
    at += Math.ceil(data.length / 4) * 4;
  }
  for (const [, data] of tables) font.raw(data).pad4();
  return font.buffer();
}
