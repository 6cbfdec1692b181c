/*
 * `import "server-only"` marks a lib/ file that must never reach the browser (STYLE.md). The check is
 * Next's: its bundler maps "server-only" to its own copy (next/dist/compiled/server-only), empty for
 * server code and an error for a client component, whatever is installed here; next/jest maps it to an
 * empty module too.
 *
 * Everything else runs the same files under plain Node (server.ts, scripts/, bench/, tests/support,
 * the test children started with `node --import tsx`). The npm package `server-only` throws there:
 * its empty file is exported only under the "react-server" condition, which Node must not be given
 * (React and Next would load their server-component builds). Rather than a resolve hook that every
 * `node --import tsx` command line would have to remember, this local package is the marker's
 * module: empty, so the import costs nothing where the check does not apply.
 */
