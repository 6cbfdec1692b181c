/**
 * One file from a multipart/form-data request body, streamed (busboy, the parser Node's own undici
 * and Fastify build on) rather than read whole: the handler gets the file's bytes as they arrive.
 */
import "server-only";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import busboy from "busboy";
import { AppError } from "../platform/errors";
import { mediaTypeEssence } from "./route";

/**
 * Calls `onFile` with the one file sent in the form field `field` (its client-given name and its
 * bytes) and answers what it answers, once the whole body is read. Throws `bad_request` for a body
 * that is not multipart, holds no such file, more than one file or other fields, or is cut short;
 * then `undo` is called with what `onFile` made, if it made something. Errors from `onFile` pass through.
 */
export async function withUploadedFile<T>(
  req: Request,
  field: string,
  onFile: (file: { name: string; bytes: AsyncIterable<Buffer> }) => Promise<T>,
  undo: (made: T) => Promise<void>,
): Promise<T> {
  const contentType = req.headers.get("content-type");
  if (mediaTypeEssence(contentType) !== "multipart/form-data" || !req.body) throw new AppError("bad_request", `Send the file as multipart/form-data in the field "${field}"`);
  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: { "content-type": contentType! }, defParamCharset: "utf8", limits: { files: 1, fields: 0, headerPairs: 20 } });
  } catch {
    throw new AppError("bad_request", "The multipart body has no boundary");
  }
  const body = Readable.fromWeb(req.body as unknown as WebReadableStream<Uint8Array>);
  let problem: string | null = null;
  let handling: Promise<T> | null = null;
  const parsed = new Promise<void>((resolve) => {
    const fail = (message: string) => {
      problem ??= message;
      // the rest is read and dropped, not cancelled: cancelling the request's stream under Next
      // made it throw on the next chunk ("ReadableStream is already closed", uncaught)
      body.unpipe(parser);
      body.resume();
      resolve();
    };
    parser.on("file", (name, stream, info) => {
      // an error (the body cut short) may come before anyone reads the stream: kept for the reader, never uncaught
      stream.on("error", () => fail("The upload was cut short or is malformed"));
      if (name !== field || handling) {
        stream.resume();
        return fail(`Send exactly one file, in the field "${field}"`);
      }
      handling = onFile({ name: info.filename ?? "", bytes: stream });
      handling.catch(() => stream.resume());
    });
    parser.on("field", () => fail(`Send only the file, in the field "${field}"`));
    parser.on("filesLimit", () => fail(`Send exactly one file, in the field "${field}"`));
    parser.on("fieldsLimit", () => fail(`Send only the file, in the field "${field}"`));
    parser.on("error", () => fail("The multipart body is malformed"));
    parser.on("close", () => resolve());
    body.on("error", (err) => {
      fail("The upload was cut short");
      // the file's reader (onFile) would otherwise wait for the rest for ever: it fails, and undoes what it made
      parser.destroy(err);
    });
    body.pipe(parser);
  });
  await parsed;
  const pending = handling as Promise<T> | null;
  if (!pending) throw new AppError("bad_request", problem ?? `Send exactly one file, in the field "${field}"`);
  let made: T;
  try {
    made = await pending;
  } catch (err) {
    // a file cut short fails its handler with the stream's own error: that is the body's fault
    if (problem && !(err instanceof AppError)) throw new AppError("bad_request", problem);
    throw err;
  }
  if (problem) {
    await undo(made);
    throw new AppError("bad_request", problem);
  }
  return made;
}
