/**
 * Where a V8 CPU profile's time went, by package and by function (self time), and by the deepest function
 * of our own code on the stack (what our code spent, including the libraries and system calls it called):
 * `node --import tsx bench/profile-summary.ts prof/<file>.cpuprofile [per]`. With `per` (a count, such as
 * the deliveries of the profiled window), each line also says µs per one of them.
 */
import fs from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
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

const per = Number(process.argv[3]) || 0;

function top(totals: Map<string, number>, all: number, n: number): string {
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, us]) => `${((us / all) * 100).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(7)} ms${per ? `  ${(us / per).toFixed(2).padStart(6)} µs` : ""}  ${k}`)
    .join("\n");
}

/** Our own source (not a package, not Node's): lib/, bench/, server.ts. */
const isOwn = (url: string) => url.startsWith("file://") && !url.includes("/node_modules/");

const profile = JSON.parse(fs.readFileSync(process.argv[2], "utf8")) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const byOwner = new Map<string, number>();
const byFunction = new Map<string, number>();
const byOwnFunction = new Map<string, number>();
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
  let own: number | undefined = id;
  while (own !== undefined && !isOwn(byId.get(own)!.callFrame.url)) own = parent.get(own);
  const frame = own === undefined ? undefined : byId.get(own)!.callFrame;
  const mine = frame ? `${frame.functionName || "(anonymous)"} ${owner(frame.url, frame.functionName)}` : `(no code of ours on the stack) ${who}`;
  byOwnFunction.set(mine, (byOwnFunction.get(mine) ?? 0) + us);
});
console.log(
  `busy ${(all / 1e6).toFixed(1)} s${per ? ` (${(all / per).toFixed(1)} µs per one of ${per})` : ""}\n\nby package or file:\n${top(byOwner, all, 25)}\n\n` +
    `by function (self):\n${top(byFunction, all, 30)}\n\nby the deepest function of our own on the stack (with what it called):\n${top(byOwnFunction, all, 30)}`,
);
