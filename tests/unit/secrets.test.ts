import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

describe("loadLocalSecrets", () => {
  it("gives every process starting together on one folder the same secrets", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "parley-secrets-"));
    // All children call it at the same instant (they spin until a shared start time).
    const startAt = Date.now() + 3000;
    const script = `const { loadLocalSecrets } = require("./lib/platform/secrets.ts"); while (Date.now() < ${startAt}); process.stdout.write(JSON.stringify(loadLocalSecrets(${JSON.stringify(dir)})));`;
    const outputs = await Promise.all(
      Array.from({ length: 6 }, () => new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, ["--import", "tsx", "-e", script], { cwd: path.resolve(__dirname, "../..") });
        let out = "";
        child.stdout.on("data", (d: Buffer) => (out += d));
        child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}`))));
      })),
    );
    expect(new Set(outputs).size).toBe(1);
    expect(JSON.parse(outputs[0])).toEqual({ authSecret: expect.any(String), dbPassword: expect.any(String) });
    expect(fs.readdirSync(dir)).toEqual(["secrets.json"]);
    expect(fs.statSync(path.join(dir, "secrets.json")).mode & 0o077).toBe(0);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);
});
