// Jest projects: unit (node + jsdom components), domain (lib/'s domain functions against PostgreSQL
// alone, recording the domain events they publish), integration (HTTP against the real server and
// PostgreSQL), realtime (real socket.io clients) and e2e (Chromium). The last three share one
// production server started by tests/support/global-setup.ts; domain starts only a database of its
// own (tests/support/domain-setup.ts).
const nextJest = require("next/jest");

const createJestConfig = nextJest({ dir: __dirname });

module.exports = async () => {
  const base = await createJestConfig({
    moduleNameMapper: { "^@/(.*)$": "<rootDir>/$1" },
  })();
  const serverBacked = {
    globalSetup: "<rootDir>/tests/support/global-setup.ts",
    globalTeardown: "<rootDir>/tests/support/global-teardown.ts",
    testEnvironment: "node",
  };
  return {
    testTimeout: 30_000,
    projects: [
      { ...base, displayName: "unit", testEnvironment: "node", testMatch: ["<rootDir>/tests/unit/**/*.test.ts"] },
      {
        ...base,
        displayName: "components",
        testEnvironment: "jsdom",
        testMatch: ["<rootDir>/tests/unit/**/*.test.tsx"],
        setupFilesAfterEnv: ["<rootDir>/tests/support/jsdom-setup.ts"],
      },
      {
        ...base,
        displayName: "domain",
        testEnvironment: "node",
        testMatch: ["<rootDir>/tests/domain/**/*.test.ts"],
        globalSetup: "<rootDir>/tests/support/domain-setup.ts",
        globalTeardown: "<rootDir>/tests/support/domain-teardown.ts",
        setupFilesAfterEnv: ["<rootDir>/tests/support/domain-env.ts"],
      },
      { ...base, ...serverBacked, displayName: "integration", testMatch: ["<rootDir>/tests/integration/**/*.test.ts"] },
      { ...base, ...serverBacked, displayName: "realtime", testMatch: ["<rootDir>/tests/realtime/**/*.test.ts"] },
      { ...base, ...serverBacked, displayName: "e2e", testMatch: ["<rootDir>/tests/e2e/**/*.test.ts"] },
    ],
  };
};
