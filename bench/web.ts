/**
 * `npm run bench:web`: Lighthouse (performance, accessibility) on /login and a conversation page of
 * the production build, driving the system Chromium, each page BENCH_WEB_RUNS times (default 5) with
 * the median run reported; the JavaScript each page loads (compressed bytes on the wire), and the
 * build's own account of each page's first-load scripts (gzip of the files Next lists, without HTTP
 * headers), which the first-load target is read against. Writes docs/web-performance.md.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { freePort, startEmbeddedDatabase } from "../db/embedded";
import { removeEmbeddedData } from "../db/embedded-root";
import { runMigrations } from "../db/migrate";
import { ensureBuild } from "../scripts/build";

const root = process.cwd();
const dir = path.join(root, ".data", `web-${process.pid}`);
/** Issue 13: the chat page's first load ≤ 190 KB gzipped, its accessibility 100; issue 5: performance ≥ 95, /login's accessibility ≥ 95. */
const TARGETS = { score: 95, firstLoadKb: 190, chatAccessibility: 100 };
/** The pages whose first-load scripts the build lists (.next/diagnostics/route-bundle-stats.json). */
const BUNDLE_ROUTES = ["/login", "/", "/c/[id]"];

/**
 * Each route's first-load scripts as the build lists them: their count, and their bytes raw and
 * gzipped (level 6, what the server's compression sends), in KB. Headers are not counted, so this
 * reads lower than Lighthouse's transfer sizes by about half a KB per script (over HTTP/1.1).
 */
function bundleSizes(root: string): { route: string; scripts: number; rawKb: number; gzipKb: number }[] {
  const stats: { route: string; firstLoadChunkPaths: string[] }[] = JSON.parse(fs.readFileSync(path.join(root, ".next", "diagnostics", "route-bundle-stats.json"), "utf8"));
  return BUNDLE_ROUTES.flatMap((route) => {
    const entry = stats.find((s) => s.route === route);
    if (!entry) return [];
    const files = entry.firstLoadChunkPaths.map((f) => fs.readFileSync(path.join(root, f)));
    const kb = (n: number) => n / 1024;
    return [{ route, scripts: files.length, rawKb: kb(files.reduce((n, f) => n + f.length, 0)), gzipKb: kb(files.reduce((n, f) => n + zlib.gzipSync(f, { level: 6 }).length, 0)) }];
  });
}

async function main() {
  ensureBuild(root);
  const db = await startEmbeddedDatabase({ dataDir: path.join(dir, "postgres"), password: "web-bench", database: "parley" });
  let server: ChildProcess | undefined;
  let chrome: { kill(): void } | undefined;
  try {
    await runMigrations(db.url);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    server = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
      env: { ...process.env, NODE_ENV: "production", PORT: String(port), HOST: "127.0.0.1", DATABASE_URL: db.url, PARLEY_DATA_DIR: dir, RATE_LIMITS: "off", WEB_CONCURRENCY: "1" },
      stdio: "ignore",
    });
    for (let i = 0; ; i++) {
      if (i > 300) throw new Error("server did not start");
      if (await fetch(`${base}/api/health`).then((r) => r.ok, () => false)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const json = (p: string, body: unknown, cookie = "") =>
      fetch(`${base}${p}`, { method: "POST", headers: { "content-type": "application/json", cookie }, body: JSON.stringify(body) }).then((r) => r.json());
    const users = [];
    for (const name of ["Ada Lovelace", "Grace Hopper"]) {
      const username = `web_${randomUUID().slice(0, 8)}`;
      users.push((await json("/api/users", { username, email: `${username}@example.test`, password: "lighthouse run", displayName: name })).user);
    }
    const csrfRes = await fetch(`${base}/api/auth/csrf`);
    const { csrfToken } = await csrfRes.json();
    const signed = await fetch(`${base}/api/auth/callback/credentials`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrfRes.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ") },
      body: new URLSearchParams({ login: users[0].username, password: "lighthouse run", csrfToken, json: "true" }),
    });
    const cookie = signed.headers.getSetCookie().find((c) => c.startsWith("next-auth.session-token="))!.split(";")[0];
    const { conversation } = await json("/api/conversations", { kind: "direct", userId: users[1].id }, cookie);
    for (let i = 0; i < 30; i++) await json(`/api/conversations/${conversation.id}/messages`, { clientId: randomUUID(), body: `Message ${i}: the analytical engine weaves algebraic patterns.` }, cookie);

    const { launch } = await import("chrome-launcher");
    const lighthouse = (await import("lighthouse")).default;
    const launched = await launch({
      chromePath: "/usr/bin/chromium",
      chromeFlags: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    chrome = launched;
    // signed in the way Lighthouse documents for authenticated pages: the session cookie in the
    // browser's own jar (docs/authenticated-pages.md), set before the conversation page's runs. A
    // Cookie header from extraHeaders loses to the jar once the page has set a cookie of its own (tz).
    const signIn = async () => {
      const { chromium } = await import("playwright-core");
      const cdp = await chromium.connectOverCDP(`http://127.0.0.1:${launched.port}`);
      const [name, ...value] = cookie.split("=");
      await cdp.contexts()[0].addCookies([{ name, value: value.join("="), url: base, httpOnly: true, sameSite: "Lax" }]);
      await cdp.close();
    };
    const pages = [
      { name: "/login", url: `${base}/login`, before: async () => {} },
      { name: "conversation page (/c/…)", url: `${base}/c/${conversation.id}`, before: signIn },
    ];
    const rows: string[] = [];
    const results: { name: string; performance: number; clearPerformance: number | null; accessibility: number; scriptKb: number }[] = [];
    // Lighthouse's own advice for a noisy machine: several runs, the median one reported
    // (https://github.com/GoogleChrome/lighthouse/blob/main/docs/variability.md)
    const runs = Math.max(1, Number(process.env.BENCH_WEB_RUNS ?? 5));
    for (const page of pages) {
      const lhrs: NonNullable<Awaited<ReturnType<typeof lighthouse>>>["lhr"][] = [];
      await page.before();
      for (let i = 0; i < runs; i++) {
        const run = await lighthouse(page.url, { port: launched.port, output: "json", logLevel: "error", onlyCategories: ["performance", "accessibility"] });
        lhrs.push(run!.lhr);
      }
      const landed = lhrs.find((l) => l.finalDisplayedUrl !== page.url);
      if (landed) throw new Error(`${page.name}: Lighthouse measured ${landed.finalDisplayedUrl}, not ${page.url}`);
      const score = (l: (typeof lhrs)[number]) => Math.round(l.categories.performance.score! * 100);
      const median = (of: typeof lhrs) => [...of].sort((a, b) => a.categories.performance.score! - b.categories.performance.score!)[Math.floor((of.length - 1) / 2)];
      // headless Chromium sometimes withholds frames for about a second during a busy load (viz
      // "ThrottleUnresponsiveClient"; lighthouse#17148): the page is painted but not shown until
      // after it has loaded, and Lantern then counts every script into FCP and LCP. Such runs are
      // marked "*", and the median of the others is given beside the median of all
      const stalled = (l: (typeof lhrs)[number]) => {
        const m = (l.audits.metrics.details as unknown as { items: { observedFirstContentfulPaint: number; observedLoad: number }[] }).items[0];
        return m.observedFirstContentfulPaint > m.observedLoad;
      };
      const scores = lhrs.map((l) => `${score(l)}${stalled(l) ? "*" : ""}`);
      const lhr = median(lhrs);
      const clear = lhrs.filter((l) => !stalled(l));
      // BENCH_WEB_REPORTS=<dir> keeps each page's median Lighthouse report, to see what the numbers are made of
      if (process.env.BENCH_WEB_REPORTS) {
        fs.mkdirSync(process.env.BENCH_WEB_REPORTS, { recursive: true });
        fs.writeFileSync(path.join(process.env.BENCH_WEB_REPORTS, `${page.name.replace(/[^a-z]+/gi, "-").replace(/^-|-$/g, "")}.json`), JSON.stringify(lhr));
      }
      const requests = (lhr.audits["network-requests"].details as { items: { resourceType?: string; transferSize?: number; url: string }[] }).items;
      const scriptKb = requests.filter((r) => r.resourceType === "Script").reduce((sum, r) => sum + (r.transferSize ?? 0), 0) / 1024;
      const result = { name: page.name, performance: score(lhr), clearPerformance: clear.length ? score(median(clear)) : null, accessibility: Math.round(lhr.categories.accessibility.score! * 100), scriptKb };
      results.push(result);
      const metric = (id: string) => lhr.audits[id].displayValue ?? "";
      rows.push(`| ${page.name} | ${result.performance} (${scores.join(", ")}) | ${result.clearPerformance ?? "–"} | ${result.accessibility} | ${scriptKb.toFixed(1)} | ${metric("first-contentful-paint")} | ${metric("largest-contentful-paint")} | ${metric("total-blocking-time")} | ${metric("cumulative-layout-shift")} |`);
      console.log(rows.at(-1));
    }
    const chat = results[1];
    const load = os.loadavg()[0];
    const bundles = bundleSizes(root);
    const chatFirstLoad = bundles.find((b) => b.route === "/c/[id]")?.gzipKb ?? Infinity;
    const mark = (ok: boolean) => (ok ? "met" : "**missed**");
    const doc = `# Web performance

Measured by \`npm run bench:web\` (bench/web.ts) on ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC: Lighthouse 12.2.3
(default mobile profile: simulated slow 4G and 4× CPU slowdown) driving the system Chromium against the production build,
on a fresh embedded database with a signed-in user and a direct conversation of 30 messages.
Each page is measured ${runs} times and the median run is reported (every run's score in brackets: the
machine is shared and a score moves by several points between runs). A run marked * is one where
headless Chromium withheld the page's frames for about a second while it loaded (viz
"ThrottleUnresponsiveClient", an open Lighthouse issue: GoogleChrome/lighthouse#17148): the page was
painted but shown only after it had loaded, so Lighthouse's simulation counts every script into FCP
and LCP. "Without stalled runs" is the median of the other runs; the targets below use all runs.
"JS loaded" is the compressed bytes of every script the page loads until it is quiet (Lighthouse's
transfer sizes), including those it loads by \`import()\` after hydration, such as the socket's code.

| page | performance (runs) | without stalled runs | accessibility | JS loaded (KB, compressed) | FCP | LCP | TBT | CLS |
|---|---:|---:|---:|---:|---:|---:|---:|---:|
${rows.join("\n")}

The build's own list of each page's first-load scripts (\`.next/diagnostics/route-bundle-stats.json\`),
gzipped at level 6 as the server sends them, without HTTP headers (Lighthouse's figures above add
about half a KB of headers per script):

| page | scripts | raw (KB) | gzipped (KB) |
|---|---:|---:|---:|
${bundles.map((b) => `| ${b.route} | ${b.scripts} | ${b.rawKb.toFixed(1)} | ${b.gzipKb.toFixed(1)} |`).join("\n")}

## Targets (issues 5 and 13)
| target | measured | |
|---|---|---|
| chat page first-load JS ≤ ${TARGETS.firstLoadKb} KB gzipped (the build's list for /c/[id]) | ${chatFirstLoad.toFixed(1)} KB | ${mark(chatFirstLoad <= TARGETS.firstLoadKb)} |
${results
  .map((r, i) => {
    const a11y = i === 1 ? TARGETS.chatAccessibility : TARGETS.score;
    return `| Lighthouse performance ≥ ${TARGETS.score} on ${r.name} | ${r.performance} | ${mark(r.performance >= TARGETS.score)} |\n| Lighthouse accessibility ${a11y === 100 ? "100" : `≥ ${a11y}`} on ${r.name} | ${r.accessibility} | ${mark(r.accessibility >= a11y)} |`;
  })
  .join("\n")}

The machine's 2 cores are shared with other work (load average ${load.toFixed(1)} when this was
written). Lighthouse simulates the network, but its TBT is the main thread's observed tasks times
four: a slower or busier machine lengthens them and lowers performance (this machine's cores were
about 4× slower on 2026-11-30 than on 2026-11-25, when the page scored 95). Compare runs made side
by side, not across days. The byte counts do not depend on load.
`;
    fs.writeFileSync(path.join(root, "docs", "web-performance.md"), doc);
    console.log("wrote docs/web-performance.md");
  } finally {
    chrome?.kill();
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server!.once("exit", r));
      server.kill("SIGTERM");
      await exited;
    }
    await db.stop();
    removeEmbeddedData(path.join(dir, "postgres")); // as root, possibly under /var/lib/parley
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
