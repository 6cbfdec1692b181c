/**
 * Answering a download (RFC 9110): strong ETag and If-None-Match (304), one byte range (206, 416
 * when unsatisfiable; several ranges are answered whole, which §14.2 allows), and the headers that
 * keep a file from acting in Parley's origin: nosniff, a sandboxing CSP, `attachment` for anything
 * that is not a raster image (DESIGN.md "Attachments and avatars"; OWASP File Upload cheat sheet).
 */
import "server-only";
import type { ServedFile } from "../attachments/download";
import { DECLARED_LENGTH } from "./content-length";


/** `Content-Disposition` with the name as a quoted ASCII fallback and RFC 8187 UTF-8 (`filename*`). */
export function contentDisposition(kind: "inline" | "attachment", name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/**
 * The single range a `Range` header asks of `size` bytes: [start, end] inclusive; "whole" to send it
 * all; "unsatisfiable". A representation of no bytes has no range at all (RFC 9110 §14.1.2: a suffix
 * range is satisfiable only when the representation is not empty), so every range of it is 416.
 */
export function parseRange(header: string | null, size: number): [number, number] | "whole" | "unsatisfiable" {
  if (!header) return "whole";
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return "whole"; // not one range we read: the whole file (§14.2)
  if (size === 0) return "unsatisfiable";
  if (m[1] === "") {
    const suffix = Number(m[2]);
    if (suffix === 0) return "unsatisfiable";
    return [Math.max(0, size - suffix), size - 1];
  }
  const start = Number(m[1]);
  const end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || (m[2] !== "" && Number(m[2]) < start)) return "unsatisfiable";
  return [start, end];
}

/** An entity tag without its weakness indicator: what the weak comparison (RFC 9110 §8.8.3.2) compares. */
const opaqueTag = (tag: string) => tag.trim().replace(/^W\//, "");

/**
 * Whether `If-None-Match` names `etag`: by the weak comparison (RFC 9110 §13.1.2), so `W/"x"` (what a
 * cache or a compressing proxy may have turned our tag into) matches `"x"`; `*` matches any.
 */
export function noneMatch(header: string | null, etag: string): boolean {
  if (!header) return false;
  return header.split(",").some((t) => t.trim() === "*" || opaqueTag(t) === opaqueTag(etag));
}

/** The response for a GET (or HEAD) of `file`, honouring If-None-Match, Range and If-Range. */
export function downloadResponse(req: Request, file: ServedFile): Response {
  const headers = new Headers({
    "Content-Type": file.contentType,
    "Content-Disposition": contentDisposition(file.inline ? "inline" : "attachment", file.name),
    "X-Content-Type-Options": "nosniff",
    // the same as next.config.mjs gives every API answer (which wins there): nothing runs, loads or frames
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'; sandbox",
    "Cross-Origin-Resource-Policy": "same-origin",
    ETag: file.etag,
    "Cache-Control": "private, max-age=31536000, immutable",
    "Accept-Ranges": "bytes",
    Vary: "Cookie",
  });
  if (noneMatch(req.headers.get("if-none-match"), file.etag)) return new Response(null, { status: 304, headers });
  // If-Range takes the strong comparison (§13.1.5): only our own tag, exactly, lets a range through
  const ifRange = req.headers.get("if-range");
  const range = ifRange && ifRange !== file.etag ? "whole" : parseRange(req.headers.get("range"), file.size);
  if (range === "unsatisfiable") {
    headers.set("Content-Range", `bytes */${file.size}`);
    headers.set("Content-Type", "application/json");
    headers.delete("Content-Disposition");
    return new Response(JSON.stringify({ error: { code: "bad_request", message: "The range is outside the file" } }), { status: 416, headers });
  }
  const [start, end] = range === "whole" ? [0, file.size - 1] : range;
  headers.set("Content-Length", String(Math.max(0, end - start + 1)));
  headers.set(DECLARED_LENGTH, String(Math.max(0, end - start + 1))); // Next drops Content-Length: ./content-length.ts
  if (range !== "whole") headers.set("Content-Range", `bytes ${start}-${end}/${file.size}`);
  const status = range === "whole" ? 200 : 206;
  if (req.method === "HEAD" || file.size === 0) return new Response(null, { status, headers });
  const parts = file.read(start, end);
  let left = end - start + 1;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await parts.next();
        // bytes gone meanwhile (the file deleted while read): the body is shorter than its
        // Content-Length, so the response is aborted (the connection closed), never ended as if
        // whole on a kept-alive connection, where the next answer would read as the file's rest
        if (done && left > 0) controller.error(new Error(`the file ended ${left} bytes short (deleted while read)`));
        else if (done) controller.close();
        else {
          left -= value.byteLength;
          controller.enqueue(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
        }
      } catch (err) {
        controller.error(err);
      }
    },
    async cancel() {
      await parts.return(undefined);
    },
  });
  return new Response(body, { status, headers });
}
