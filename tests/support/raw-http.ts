/**
 * HTTP requests with full control over the body's framing and pace (chunked, over-declared,
 * trickled, stalled) and over header bytes (raw UTF-8 in cookies), for tests of limits and hostile
 * input. fetch can do neither: it buffers bodies and refuses non-ByteString headers.
 */
import fs from "node:fs";
import http from "node:http";
import { baseUrl } from "./api";

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** milliseconds from the first byte sent to the whole answer received */
  ms: number;
}

export interface RawRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  /** body pieces, written in order; without `contentLength` they go out chunked */
  chunks?: Array<string | Buffer>;
  /** wait this long between pieces */
  delayMs?: number;
  /** leave the body unfinished after the last piece (no terminating chunk) */
  stall?: boolean;
  /** send this Content-Length instead of chunked framing */
  contentLength?: number;
  /** give up (reject) when no whole answer arrived within this long */
  timeoutMs?: number;
  /** a loopback address to send from, so a test can find its own connections in /proc/net/tcp */
  localAddress?: string;
}

/**
 * Sends one request on a fresh connection and resolves with the answer as soon as it has arrived
 * whole, even while the body is still being written (the server may answer before reading it all);
 * the connection is then destroyed. Rejects on timeout or when the connection fails unanswered.
 */
export function rawRequest(opts: RawRequest): Promise<RawAnswer> {
  const url = new URL(opts.path, baseUrl());
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.contentLength !== undefined) headers["content-length"] = String(opts.contentLength);
  else if (opts.chunks) headers["transfer-encoding"] = "chunked";
  const started = Date.now();
  return new Promise((resolve, reject) => {
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    const req = http.request(url, { method: opts.method, headers, agent: false, localAddress: opts.localAddress, setHost: true });
    const finish = (err: Error | null, answer?: RawAnswer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.destroy();
      if (err) reject(err);
      else resolve(answer!);
    };
    timer = setTimeout(() => finish(new Error(`no answer within ${opts.timeoutMs ?? 10_000} ms: ${opts.method} ${opts.path}`)), opts.timeoutMs ?? 10_000);
    req.on("response", (res) => {
      const parts: Buffer[] = [];
      res.on("data", (c: Buffer) => parts.push(c));
      res.on("end", () => finish(null, { status: res.statusCode!, headers: res.headers, body: Buffer.concat(parts).toString("utf8"), ms: Date.now() - started }));
      res.on("error", (err) => finish(err));
    });
    req.on("error", (err) => {
      // A refused body makes the server close while we still write: wait for the answer it sent.
      if ((err as NodeJS.ErrnoException).code === "EPIPE" || (err as NodeJS.ErrnoException).code === "ECONNRESET") setTimeout(() => finish(err), 1000);
      else finish(err);
    });
    void (async () => {
      req.flushHeaders();
      for (const [i, chunk] of (opts.chunks ?? []).entries()) {
        if (done || req.destroyed) return;
        if (i > 0 && opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
        if (done || req.destroyed) return;
        req.write(chunk);
      }
      if (!opts.stall && !done && !req.destroyed) req.end();
    })();
  });
}

/** Open file descriptors of a process (Linux). */
export function openDescriptors(pid: number): number {
  return fs.readdirSync(`/proc/${pid}/fd`).length;
}

/**
 * Server-side TCP connections of `port` whose peer is `peerAddress` (IPv4) and that still hold a
 * descriptor: every state but TIME_WAIT and CLOSE. Read from /proc/net/tcp, so connections other
 * tests open from other addresses do not count.
 */
export function openServerConnections(port: number, peerAddress: string): number {
  const hexAddr = peerAddress
    .split(".")
    .map((n) => Number(n).toString(16).padStart(2, "0").toUpperCase())
    .reverse()
    .join("");
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  let count = 0;
  for (const line of fs.readFileSync("/proc/net/tcp", "utf8").split("\n").slice(1)) {
    const [, local, remote, state] = line.trim().split(/\s+/);
    if (!local || local.split(":")[1] !== hexPort || remote.split(":")[0] !== hexAddr) continue;
    if (state !== "06" && state !== "07") count++;
  }
  return count;
}

/**
 * Sends only the head of a `method` request to `path` declaring a multipart body of `bytes`
 * (Content-Length), never the body, and resolves with the answer: what a server says before
 * reading a body it already knows is too large.
 */
export function declaredOnly(method: string, path: string, cookie: string, bytes: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${baseUrl()}${path}`, { method, headers: { cookie, "content-type": "multipart/form-data; boundary=x", "content-length": String(bytes) } }, (res) => {
      let text = "";
      res.on("data", (c) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode!, body: text }));
    });
    req.on("error", reject);
    req.flushHeaders();
  });
}
