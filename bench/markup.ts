/**
 * `npm run bench:markup`: how long a 4,000-character message takes to format (issue 13, item 7:
 * under 5 ms), for each crafted worst case in bench/markup-cases.ts and an ordinary long message:
 * the parse alone in Node (components/chat/messages/markup/), then in the system Chromium the whole
 * rendering of <MessageBody> (parse, React, the DOM) and that plus style and layout. Then a
 * conversation of 20 messages of the slowest case. Writes its table into docs/text.md between the
 * "bench:markup" comments.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { build } from "esbuild";
import { parseMessage } from "../components/chat/messages/markup/blocks";
import { launchBrowser } from "../tests/support/browser";
import { CRAFTED, repeat, TYPICAL } from "./markup-cases";

const LENGTH = 4000;
const PLAIN = "plain text, no formatting (for comparison)";
const TARGET_MS = 5;
const root = process.cwd();

/** Milliseconds per call: the least, over 7 samples of at least 20 ms each, of the mean. */
function msPer(fn: () => unknown): number {
  let best = Infinity;
  for (let sample = 0; sample < 7; sample++) {
    let runs = 0;
    const start = performance.now();
    let elapsed = 0;
    while (elapsed < 20) {
      fn();
      runs++;
      elapsed = performance.now() - start;
    }
    best = Math.min(best, elapsed / runs);
  }
  return best;
}

/**
 * The page's script: <MessageBody> and React (production builds) and `renderTimes(bodies, samples)`,
 * which mounts each body list into a fresh root (flushSync) and then reads a layout, keeping the
 * least time of `samples` tries. Class names stand for the CSS module (whose styles are not loaded).
 */
async function pageScript(): Promise<string> {
  const entry = `
    import { createElement } from "react";
    import { flushSync } from "react-dom";
    import { createRoot } from "react-dom/client";
    import { MessageBody } from "./components/chat/messages/MessageBody";
    window.renderTimes = (bodies, samples) => {
      let dom = Infinity, layout = Infinity;
      for (let i = 0; i < samples; i++) {
        const el = document.createElement("div");
        el.style.cssText = "width: 680px; white-space: pre-wrap; overflow-wrap: anywhere; font: 15px system-ui";
        document.body.appendChild(el);
        const root = createRoot(el);
        const start = performance.now();
        flushSync(() => root.render(bodies.map((body, k) => createElement("div", { key: k }, createElement(MessageBody, { body })))));
        const built = performance.now();
        void el.offsetHeight;
        const laid = performance.now();
        dom = Math.min(dom, built - start);
        layout = Math.min(layout, laid - start);
        root.unmount();
        el.remove();
      }
      return { dom, layout };
    };`;
  const out = await build({
    stdin: { contents: entry, resolveDir: root, loader: "tsx" },
    bundle: true,
    write: false,
    format: "iife",
    minify: true,
    jsx: "automatic",
    define: { "process.env.NODE_ENV": '"production"' },
    logLevel: "error",
    plugins: [
      {
        name: "css-module-names",
        setup(b) {
          b.onLoad({ filter: /\.scss$/ }, () => ({ contents: "export default new Proxy({}, { get: (_, k) => String(k) });", loader: "js" }));
        },
      },
    ],
  });
  return out.outputFiles[0].text;
}

async function main() {
  const cases = [...Object.entries(CRAFTED), ["an ordinary message with some of everything", TYPICAL] as const, [PLAIN, repeat("The analytical engine weaves algebraic patterns. ")] as const].map(([name, make]) => ({ name, body: make(LENGTH) }));
  for (const c of cases) if (c.body.length !== LENGTH) throw new Error(`${c.name}: ${c.body.length} characters, not ${LENGTH}`);

  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    await page.setContent("<!doctype html><html><body></body></html>");
    await page.addScriptTag({ content: await pageScript() });
    const inBrowser = (bodies: string[], samples: number) =>
      page.evaluate(([b, n]) => (window as unknown as { renderTimes(b: string[], n: number): { dom: number; layout: number } }).renderTimes(b, n), [bodies, samples] as const);
    await inBrowser([TYPICAL(LENGTH)], 20); // warm up

    const rows: { name: string; parse: number; dom: number; layout: number }[] = [];
    for (const { name, body } of cases) {
      const { dom, layout } = await inBrowser([body], 25);
      rows.push({ name, parse: msPer(() => parseMessage(body)), dom, layout });
      console.log(`${name}: parse ${rows.at(-1)!.parse.toFixed(3)} ms, in Chromium ${dom.toFixed(2)} ms, with layout ${layout.toFixed(2)} ms`);
    }
    const crafted = rows.filter((r) => r.name in CRAFTED);
    const worst = crafted.reduce((a, b) => (b.dom > a.dom ? b : a));
    const worstLaid = crafted.reduce((a, b) => (b.layout > a.layout ? b : a));
    const row = (name: string) => rows.find((r) => r.name === name)!;
    const slowest = cases.find((c) => c.name === worstLaid.name)!.body;
    const twenty = await inBrowser(Array.from({ length: 20 }, () => slowest), 7);

    const cpu = `${os.availableParallelism()} CPUs (${os.cpus()[0]?.model.trim() ?? "unknown"})`;
    const table = [
      `Measured by \`npm run bench:markup\` (bench/markup.ts) on ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC on ${cpu} shared with other work: Node ${process.version}, Chromium ${browser.version()}, React's production build; each figure is the least of several tries.`,
      `Each message is ${LENGTH.toLocaleString("en")} characters, the longest allowed. "Chromium" mounts <MessageBody> into a fresh React root (parse, React, building the DOM); "+ layout" then reads the layout (without the app's stylesheet).`,
      "",
      "| 4,000 characters of | parse, Node (ms) | Chromium (ms) | + layout (ms) |",
      "|---|---:|---:|---:|",
      ...rows.map((r) => `| ${r.name.replace(/\|/g, "\\|")} | ${r.parse.toFixed(2)} | ${r.dom.toFixed(2)} | ${r.layout.toFixed(2)} |`),
      "",
      `Slowest in parse, React and the DOM: "${worst.name}", ${worst.dom.toFixed(2)} ms (target: under ${TARGET_MS} ms: ${worst.dom < TARGET_MS ? "met" : "**missed**"}). ` +
        `With layout, the slowest is "${worstLaid.name}", ${worstLaid.layout.toFixed(2)} ms, where an ordinary long message takes ${row("an ordinary message with some of everything").layout.toFixed(2)} ms and plain text ${row(PLAIN).layout.toFixed(2)} ms. ` +
        `A conversation of 20 messages of "${worstLaid.name}": ${twenty.layout.toFixed(1)} ms with layout (issue 13 measured 2.1 s for 20 messages of crafted links before this parser).`,
    ].join("\n");
    console.log(`\n${table}`);
    const doc = path.join(root, "docs", "text.md");
    const text = fs.readFileSync(doc, "utf8");
    const begin = "<!-- bench:markup -->";
    const end = "<!-- /bench:markup -->";
    if (!text.includes(begin) || !text.includes(end)) throw new Error(`docs/text.md has no ${begin} … ${end} section`);
    fs.writeFileSync(doc, text.slice(0, text.indexOf(begin) + begin.length) + "\n" + table + "\n" + text.slice(text.indexOf(end)));
    console.log("wrote docs/text.md");
  } finally {
    await browser.close();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
