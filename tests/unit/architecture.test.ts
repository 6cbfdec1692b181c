/**
 * The dependency rules of docs/architecture.md, read from the source: every import of every file
 * under lib/ (and the client components' imports of lib/) is resolved and checked. A broken rule
 * fails here with the file and the import that break it.
 */
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(__dirname, "../..");
const DOMAINS = ["people", "sessions", "conversations", "messages", "accounts", "attachments", "search"] as const;
/** Lower rank first: a domain's services may use only domains of lower rank (messages → conversations → people; accounts → sessions, people). */
const RANK: Record<string, number> = { people: 0, sessions: 1, conversations: 2, messages: 3, attachments: 4, search: 5, accounts: 6 };
/** Files any layer may import from another domain: its vocabulary, not its services. */
const SHARED_NAMES = new Set(["types", "schemas", "rules", "events", "access"]);
/** Files that are safe in the browser (no database, no Node-only modules): the client imports only these. */
const BROWSER_SAFE = (file: string) =>
  (/^lib\/[a-z-]+\/(types|schemas|rules|events)\.ts$/.test(file) && !file.startsWith("lib/platform/")) ||
  /^lib\/platform\/(text|text-length|field-checks|validation|errors|log|time-zone)\.ts$/.test(file) ||
  file === "lib/people/avatar.ts" ||
  file === "lib/messages/emoji.ts" || // the emoji catalogue: the browser loads it only by import() (tests/unit/emoji-lazy.test.ts)
  file === "lib/realtime/contract.ts";

interface Import {
  spec: string;
  /** the resolved file, relative to the root, when it is one of ours */
  file: string | null;
  typeOnly: boolean;
}

function walk(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return walk(rel);
    return /\.tsx?$/.test(e.name) ? [rel] : [];
  });
}

function resolve(spec: string, from: string): string | null {
  let base: string;
  if (spec.startsWith("@/")) base = spec.slice(2);
  else if (spec.startsWith(".")) base = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
  else return null;
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`]) {
    if (fs.existsSync(path.join(root, candidate)) && fs.statSync(path.join(root, candidate)).isFile()) return candidate;
  }
  throw new Error(`${from}: cannot resolve ${spec}`);
}

function importsOf(file: string): Import[] {
  const src = fs.readFileSync(path.join(root, file), "utf8");
  const found: Import[] = [];
  const pattern = /^\s*(import|export)\s+(type\s+)?([^"';]*?\s+from\s+)?["']([^"']+)["']/gm;
  for (const m of src.matchAll(pattern)) {
    const spec = m[4];
    found.push({ spec, file: resolve(spec, file), typeOnly: Boolean(m[2]) });
  }
  for (const m of src.matchAll(/\b(?:import|require)\(\s*["']([^"']+)["']\s*\)/g)) found.push({ spec: m[1], file: resolve(m[1], file), typeOnly: false });
  return found;
}

const layerOf = (file: string) => file.split("/")[1];
const nameOf = (file: string) => path.posix.basename(file, path.posix.extname(file));
const libFiles = walk("lib");
const graph = new Map(libFiles.map((f) => [f, importsOf(f)]));

function violations(check: (file: string, imp: Import) => string | null): string[] {
  const out: string[] = [];
  for (const [file, imports] of graph) for (const imp of imports) {
    const why = check(file, imp);
    if (why) out.push(`${file} imports ${imp.spec}: ${why}`);
  }
  return out;
}

describe("lib/ layout (docs/architecture.md)", () => {
  it("holds only platform/, http/, realtime/ and the domain folders", () => {
    const allowed = new Set<string>(["platform", "http", "realtime", ...DOMAINS]);
    expect(libFiles.filter((f) => f.split("/").length < 3 || !allowed.has(layerOf(f)))).toEqual([]);
  });

  it("db/ uses only lib/platform/, and lib/platform/ uses nothing of db/ (db sits on platform)", () => {
    const dbFiles = walk("db").filter((f) => !f.startsWith("db/migrations/"));
    const bad = dbFiles.flatMap((f) => importsOf(f).filter((imp) => imp.file?.startsWith("lib/") && layerOf(imp.file) !== "platform").map((imp) => `${f} imports ${imp.spec}`));
    expect(bad).toEqual([]);
    expect(violations((file, imp) => (layerOf(file) === "platform" && imp.file?.startsWith("db/") && !imp.typeOnly ? "platform is below db/" : null))).toEqual([]);
  });

  it("platform/ imports nothing else of lib/", () => {
    expect(violations((file, imp) => (layerOf(file) === "platform" && imp.file?.startsWith("lib/") && layerOf(imp.file) !== "platform" ? "platform is the bottom layer" : null))).toEqual([]);
  });

  it("domains never import realtime/, http/, next, socket.io or app/", () => {
    const isDomain = (f: string) => (DOMAINS as readonly string[]).includes(layerOf(f));
    expect(
      violations((file, imp) => {
        if (!isDomain(file)) return null;
        if (imp.file && /^lib\/(realtime|http)\//.test(imp.file)) return "domains publish domain events instead";
        if (imp.file && /^(app|components)\//.test(imp.file)) return "domains know nothing of pages";
        if (/^(next|next\/.*|socket\.io|socket\.io-client)$/.test(imp.spec)) return "domains are transport-free";
        return null;
      }),
    ).toEqual([]);
  });

  it("a domain uses another only through its types, schemas, rules, events and access, or one of lower rank", () => {
    expect(
      violations((file, imp) => {
        if (!imp.file?.startsWith("lib/")) return null;
        const from = layerOf(file);
        const to = layerOf(imp.file);
        if (!(from in RANK) || !(to in RANK) || from === to) return null;
        if (SHARED_NAMES.has(nameOf(imp.file))) return null;
        return RANK[to] < RANK[from] ? null : `${from} may not depend on ${to}'s services (order: ${Object.keys(RANK).join(" < ")})`;
      }),
    ).toEqual([]);
  });

  it("has no import circles", () => {
    // Tarjan's strongly connected components over lib/'s import graph (type imports included: a
    // circle of types is still a circle to a reader)
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const circles: string[][] = [];
    let next = 0;
    const visit = (v: string) => {
      index.set(v, next);
      low.set(v, next++);
      stack.push(v);
      onStack.add(v);
      for (const { file: w } of graph.get(v) ?? []) {
        if (!w || !graph.has(w)) continue;
        if (!index.has(w)) {
          visit(w);
          low.set(v, Math.min(low.get(v)!, low.get(w)!));
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
      if (low.get(v) === index.get(v)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== v);
        if (component.length > 1) circles.push(component.sort());
      }
    };
    for (const v of graph.keys()) if (!index.has(v)) visit(v);
    expect(circles).toEqual([]);
  });

  it("browser-safe files import only browser-safe files", () => {
    expect(violations((file, imp) => (BROWSER_SAFE(file) && !imp.typeOnly && imp.file && !BROWSER_SAFE(imp.file) ? "it would pull server code into the browser" : null))).toEqual([]);
  });

  // 'use client' modules, the React-free chat core they run in the browser, and every file of
  // components/ or app/ they import (helpers such as messages/mention-parts.ts have no directive;
  // a "use server" file of actions reaches the browser only as references, so it stays out)
  const directive = (f: string, name: string) => new RegExp(`^\\s*["']use ${name}["']`, "m").test(fs.readFileSync(path.join(root, f), "utf8"));
  const clientFiles = [...walk("components"), ...walk("app")].filter((f) => f.startsWith("components/chat/client/") || directive(f, "client"));
  for (let i = 0; i < clientFiles.length; i++) {
    for (const imp of importsOf(clientFiles[i])) {
      const f = imp.file;
      if (!imp.typeOnly && f && /^(components|app)\/.*\.tsx?$/.test(f) && !clientFiles.includes(f) && !directive(f, "server")) clientFiles.push(f);
    }
  }

  it("client code imports from lib/ only browser-safe files (or types)", () => {
    expect(clientFiles.length).toBeGreaterThan(10);
    const bad = clientFiles.flatMap((f) =>
      importsOf(f)
        .filter((imp) => imp.file?.startsWith("lib/") && !imp.typeOnly && !BROWSER_SAFE(imp.file))
        .map((imp) => `${f} imports ${imp.spec}`),
    );
    expect(bad).toEqual([]);
  });

  it("client code reaches no zod through lib/: limits and checks come from rules.ts, schemas.ts are the server's (types only)", () => {
    // a schemas file builds its zod objects when loaded, so even a constant taken from one puts all
    // of zod in the page's JavaScript (docs/web-performance.md); rules.ts and lib/platform/field-checks.ts
    // hold the same checks without it, and the schemas are built on them
    const zodChain = (file: string, seen = new Set<string>()): string[] | null => {
      if (seen.has(file)) return null;
      seen.add(file);
      for (const imp of graph.get(file) ?? []) {
        if (imp.typeOnly) continue;
        if (imp.spec === "zod" || imp.spec.startsWith("zod/")) return [file, imp.spec];
        const deeper = imp.file && graph.has(imp.file) ? zodChain(imp.file, seen) : null;
        if (deeper) return [file, ...deeper];
      }
      return null;
    };
    const bad = clientFiles.flatMap((f) =>
      importsOf(f).flatMap((imp) => {
        if (imp.typeOnly) return [];
        if (imp.spec === "zod" || imp.spec.startsWith("zod/")) return [`${f} imports zod`];
        const chain = imp.file?.startsWith("lib/") ? zodChain(imp.file) : null;
        return chain ? [`${f} → ${chain.join(" → ")}`] : [];
      }),
    );
    expect(bad).toEqual([]);
  });

  it("every file that is not browser-safe starts with import \"server-only\", and no browser-safe one does", () => {
    // Next fails the build when a client component reaches a server-only module (stubs/server-only
    // is the empty stand-in for tsx-run processes)
    const marked = (f: string) => /^import "server-only";$/m.test(fs.readFileSync(path.join(root, f), "utf8"));
    expect(libFiles.filter((f) => !BROWSER_SAFE(f) && !marked(f))).toEqual([]);
    expect(libFiles.filter((f) => BROWSER_SAFE(f) && marked(f))).toEqual([]);
  });

  it("nothing outside lib/realtime/ imports socket.io (the server)", () => {
    const all = [...libFiles, ...walk("app"), "server.ts"];
    const bad = all.flatMap((f) => importsOf(f).filter((imp) => /^socket\.io(\/|$)/.test(imp.spec) && !f.startsWith("lib/realtime/") && f !== "server.ts").map((imp) => `${f} imports ${imp.spec}`));
    expect(bad).toEqual([]);
  });
});
