/** `npm start`: build when needed, then serve in production on the embedded database (or DATABASE_URL). */
import { ensureBuild } from "./build";

ensureBuild();
(process.env as Record<string, string>).NODE_ENV = "production";
process.env.NEXT_TELEMETRY_DISABLED ??= "1";
// server.ts starts itself when it is the main module; here it is imported, so start it explicitly.
void import("../server").then(({ runFromCommandLine }) => runFromCommandLine({ dev: false }));
