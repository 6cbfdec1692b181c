/**
 * What grew between two heap snapshots (bench/inspector.ts takeHeapSnapshot; BENCH_IDLE_SNAPSHOT writes
 * one per idle step): bytes and objects by kind and constructor name, per unit of the difference.
 *
 *   npx tsx bench/heap-summary.ts <before.heapsnapshot> <after.heapsnapshot> [units, e.g. sockets] [rows]
 *   npx tsx bench/heap-summary.ts --retainers <snapshot> <kind, e.g. "closure native_bind"> [units] [rows]
 *
 * The second form says what holds the objects of one kind: counts by the retainer's kind and the edge's name.
 *
 * Self sizes only (what each object itself takes, as DevTools' Summary view lists them), so the rows add up
 * to the heap's growth. Strings are grouped by kind, not by content.
 */
import fs from "node:fs";

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Bytes and count per "type name" key of one snapshot. */
function tally(file: string): Map<string, { bytes: number; count: number }> {
  const snap = JSON.parse(fs.readFileSync(file, "utf8")) as Snapshot;
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf("type");
  const nameAt = fields.indexOf("name");
  const sizeAt = fields.indexOf("self_size");
  const byKey = new Map<string, { bytes: number; count: number }>();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + typeAt]];
    const grouped = type === "string" || type === "concatenated string" || type === "sliced string" || type === "number" || type === "code";
    const name = grouped ? "" : snap.strings[snap.nodes[i + nameAt]].slice(0, 60);
    const key = `${type} ${name}`.trim();
    const entry = byKey.get(key) ?? { bytes: 0, count: 0 };
    entry.bytes += snap.nodes[i + sizeAt];
    entry.count += 1;
    byKey.set(key, entry);
  }
  return byKey;
}

/** The retainers of every object of kind `key` in `file`: count by "retainer kind . edge". */
function retainers(file: string, key: string, units: number, rows: number): void {
  const snap = JSON.parse(fs.readFileSync(file, "utf8")) as Snapshot & { edges: number[]; snapshot: { meta: { edge_fields: string[]; edge_types: [string[]] } } };
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const edgeFields = snap.snapshot.meta.edge_fields;
  const edgeTypes = snap.snapshot.meta.edge_types[0];
  const width = fields.length;
  const edgeWidth = edgeFields.length;
  const [typeAt, nameAt, countAt] = ["type", "name", "edge_count"].map((f) => fields.indexOf(f));
  const [eTypeAt, eNameAt, eToAt] = ["type", "name_or_index", "to_node"].map((f) => edgeFields.indexOf(f));
  const keyOf = (node: number) => `${types[snap.nodes[node + typeAt]]} ${snap.strings[snap.nodes[node + nameAt]].slice(0, 50)}`.trim();
  const byRetainer = new Map<string, number>();
  let edge = 0;
  for (let node = 0; node < snap.nodes.length; node += width) {
    const count = snap.nodes[node + countAt];
    for (let k = 0; k < count; k++, edge += edgeWidth) {
      const to = snap.edges[edge + eToAt];
      if (keyOf(to) !== key) continue;
      const type = edgeTypes[snap.edges[edge + eTypeAt]];
      if (type === "weak") continue;
      const name = type === "element" || type === "hidden" ? `[${type}]` : snap.strings[snap.edges[edge + eNameAt]];
      const label = `${keyOf(node)} . ${name}`;
      byRetainer.set(label, (byRetainer.get(label) ?? 0) + 1);
    }
  }
  const sorted = [...byRetainer].sort((a, b) => b[1] - a[1]);
  for (const [label, n] of sorted.slice(0, rows)) console.log(`${(n / units).toFixed(2).padStart(7)} × ${label}`);
}

function main(): void {
  if (process.argv[2] === "--retainers") {
    const [file, key, unitsArg, rowsArg] = process.argv.slice(3);
    return retainers(file, key, Number(unitsArg ?? 1), Number(rowsArg ?? 40));
  }
  const [before, after, unitsArg, rowsArg] = process.argv.slice(2);
  if (!before || !after) throw new Error("usage: heap-summary.ts <before.heapsnapshot> <after.heapsnapshot> [units] [rows]");
  const units = Number(unitsArg ?? 1);
  const rows = Number(rowsArg ?? 40);
  const a = tally(before);
  const b = tally(after);
  const keys = new Set([...a.keys(), ...b.keys()]);
  const diff = [...keys].map((key) => {
    const x = a.get(key) ?? { bytes: 0, count: 0 };
    const y = b.get(key) ?? { bytes: 0, count: 0 };
    return { key, bytes: (y.bytes - x.bytes) / units, count: (y.count - x.count) / units };
  });
  diff.sort((p, q) => q.bytes - p.bytes);
  const total = diff.reduce((sum, d) => sum + d.bytes, 0);
  console.log(`growth per unit: ${total.toFixed(0)} B (${units} units)`);
  for (const d of diff.slice(0, rows)) console.log(`${d.bytes.toFixed(0).padStart(7)} B ${d.count.toFixed(2).padStart(7)} × ${d.key}`);
}

main();
