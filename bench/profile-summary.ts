/**
 * Where a V8 CPU profile's time went, by package and by function (self time):
 * `node --import tsx bench/profile-summary.ts prof/<file>.cpuprofile`.
 */
import fs from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** node_modules/<package>, node:<module>, our own file, or V8's pseudo-frames such as (garbage collector). */
function owner(url: string, name: string): string {
  if (!url) return name.startsWith("(") ? name : "(native)";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) return pkg;
  if (url.startsWith("node:")) return url.split("/")[0];
  return url.replace(/^file:\/\//, "").replace(process.cwd() + "/", "");
}

function top(totals: Map<string, number>, all: number, n: number): string {
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, us]) => `${((us / all) * 100).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`)
    .join("\n");
}

const profile = JSON.parse(fs.readFileSync(process.argv[2], "utf8")) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const byOwner = new Map<string, number>();
const byFunction = new Map<string, number>();
let all = 0;
profile.samples.forEach((id, i) => {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  const us = profile.timeDeltas[i] ?? 0;
  if (functionName === "(idle)") return;
  all += us;
  const who = owner(url, functionName);
  byOwner.set(who, (byOwner.get(who) ?? 0) + us);
  const fn = `${functionName || "(anonymous)"} ${who}:${lineNumber + 1}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
});
console.log(`busy ${(all / 1e6).toFixed(1)} s\n\nby package or file:\n${top(byOwner, all, 25)}\n\nby function (self):\n${top(byFunction, all, 30)}`);
