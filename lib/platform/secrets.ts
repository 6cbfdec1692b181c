import "server-only";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export interface LocalSecrets {
  authSecret: string;
  dbPassword: string;
}

/**
 * Secrets generated on first start and kept in `.data/secrets.json` (owner-only, git-ignored), so
 * `npm start` needs no setup and sessions survive restarts.
 */
export function loadLocalSecrets(dataDir: string): LocalSecrets {
  const file = path.join(dataDir, "secrets.json");
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o711 });
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, "utf8")) as LocalSecrets;
  const secrets = { authSecret: randomBytes(32).toString("base64url"), dbPassword: randomBytes(18).toString("base64url") };
  // Several nodes may start together on one folder: write a complete file aside, then link it into
  // place, which fails for all but the first; the others read the winner's secrets.
  const draft = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
  fs.writeFileSync(draft, JSON.stringify(secrets), { mode: 0o600 });
  try {
    fs.linkSync(draft, file);
    return secrets;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    return JSON.parse(fs.readFileSync(file, "utf8")) as LocalSecrets;
  } finally {
    fs.rmSync(draft, { force: true });
  }
}
