import type { Config } from "jest";

const config: Config = {
  testEnvironment: "node",
  roots: ["<rootDir>/spec"],
  testMatch: ["**/*.spec.ts"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }],
    // PGlite loads Node built-ins with dynamic import(), which Jest's VM cannot run without a flag.
    "/node_modules/@electric-sql/pglite/dist/.+\\.cjs$": "<rootDir>/jest.builtinImports.mjs",
  },
  transformIgnorePatterns: ["/node_modules/(?!@electric-sql/pglite/)"],
  moduleNameMapper: {
    "^chatkit-rx$": "<rootDir>/index.ts",
    "^chatkit-rx/agents$": "<rootDir>/agents.ts",
  },
  testTimeout: 30_000,
};

export default config;
