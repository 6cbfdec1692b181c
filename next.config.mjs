// Pages get a policy with a per-request nonce from proxy.ts; API answers (JSON, downloads) need
// nothing to run, load or be framed, and a file opened on its own gets a sandbox: no script, no
// same-origin access, even if a browser took it for HTML (OWASP File Upload cheat sheet).
const apiPolicy = "default-src 'none'; frame-ancestors 'none'; sandbox";

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The app is type-checked at build; tests and benchmarks by `npm test` (tsc over tsconfig.json).
  typescript: { tsconfigPath: "tsconfig.build.json" },
  serverExternalPackages: ["argon2", "postgres"],
  async headers() {
    return [
      { source: "/api/:path*", headers: [{ key: "Content-Security-Policy", value: apiPolicy }] },
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
        ],
      },
    ];
  },
};

export default nextConfig;
