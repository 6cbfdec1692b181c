/** The download answer's conditional and range rules (lib/http/download.ts; RFC 9110 §13, §14). */
import { downloadResponse, noneMatch, parseRange } from "@/lib/http/download";
import type { ServedFile } from "@/lib/attachments/download";

const ETAG = `"${"ab".repeat(32)}"`;

function fileOf(bytes: Buffer): ServedFile {
  return {
    id: "f",
    name: "f.bin",
    contentType: "application/octet-stream",
    size: bytes.byteLength,
    etag: ETAG,
    inline: false,
    read: async function* (start, end) {
      yield bytes.subarray(start, end + 1);
    },
  };
}
const get = (headers: Record<string, string>) => new Request("http://parley.test/api/attachments/f", { headers });

describe("parseRange", () => {
  it("finds no range at all in an empty representation: every range of it is unsatisfiable", () => {
    for (const header of ["bytes=-5", "bytes=-1", "bytes=0-", "bytes=0-0", "bytes=0-10", "bytes=1-", "bytes=-0"]) {
      expect([header, parseRange(header, 0)]).toEqual([header, "unsatisfiable"]);
    }
  });

  it("still answers an empty representation whole when no range (or none it reads) is asked", () => {
    for (const header of [null, "", "bytes=-", "items=0-1", "bytes=0-1,2-3"]) expect(parseRange(header, 0)).toBe("whole");
  });

  it("reads the edges of a one-byte and a ten-byte file", () => {
    expect(parseRange("bytes=-5", 1)).toEqual([0, 0]);
    expect(parseRange("bytes=0-", 1)).toEqual([0, 0]);
    expect(parseRange("bytes=1-", 1)).toBe("unsatisfiable");
    expect(parseRange("bytes=-10", 10)).toEqual([0, 9]);
    expect(parseRange("bytes=-11", 10)).toEqual([0, 9]);
    expect(parseRange("bytes=9-9", 10)).toEqual([9, 9]);
    expect(parseRange("bytes=5-100", 10)).toEqual([5, 9]);
    expect(parseRange("bytes=10-", 10)).toBe("unsatisfiable");
    expect(parseRange("bytes=-0", 10)).toBe("unsatisfiable");
  });
});

describe("downloadResponse", () => {
  it("answers a suffix range of a zero-byte file 416 with bytes */0, never a range of -1", async () => {
    for (const range of ["bytes=-5", "bytes=0-"]) {
      const res = downloadResponse(get({ range }), fileOf(Buffer.alloc(0)));
      expect(res.status).toBe(416);
      expect(res.headers.get("content-range")).toBe("bytes */0");
      expect((await res.json()).error.code).toBe("bad_request");
    }
    const whole = downloadResponse(get({}), fileOf(Buffer.alloc(0)));
    expect([whole.status, whole.headers.get("content-length"), whole.headers.get("content-range")]).toEqual([200, "0", null]);
  });

  it("takes If-None-Match by the weak comparison: W/\"x\" matches \"x\" (304)", () => {
    const file = fileOf(Buffer.from("hello"));
    for (const header of [ETAG, `W/${ETAG}`, `"other", W/${ETAG}`, "*"]) {
      expect([header, downloadResponse(get({ "if-none-match": header }), file).status]).toEqual([header, 304]);
    }
    expect(downloadResponse(get({ "if-none-match": '"other", W/"other"' }), file).status).toBe(200);
    expect(noneMatch(null, ETAG)).toBe(false);
  });

  it("keeps If-Range to the strong comparison: a weak tag gets the whole file", async () => {
    const file = fileOf(Buffer.from("hello"));
    const strong = downloadResponse(get({ range: "bytes=0-1", "if-range": ETAG }), file);
    expect(strong.status).toBe(206);
    expect(await strong.text()).toBe("he");
    const weak = downloadResponse(get({ range: "bytes=0-1", "if-range": `W/${ETAG}` }), file);
    expect(weak.status).toBe(200);
    expect(await weak.text()).toBe("hello");
  });
});
