// Preloaded into a server process by a test (NODE_OPTIONS="--import …/hkdf-counter.mjs"): counts the
// HKDF key derivations the process makes (node:crypto hkdf and hkdfSync, which next-auth's decode and
// lib/http/session-token.ts use) and prints "[hkdf-counter] <n>" to stdout whenever the count changed
// ("[hkdf-counter] ready" first, so that a test can tell it is counting).
import crypto from "node:crypto";

let count = 0;
let printed = 0;
const { hkdf, hkdfSync } = crypto;
crypto.hkdf = (...args) => {
  count++;
  return hkdf(...args);
};
crypto.hkdfSync = (...args) => {
  count++;
  return hkdfSync(...args);
};
process.stdout.write("[hkdf-counter] ready\n");
setInterval(() => {
  if (count === printed) return;
  printed = count;
  process.stdout.write(`[hkdf-counter] ${count}\n`);
}, 100).unref();
