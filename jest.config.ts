import type { Config } from "jest";

const config: Config = {
  testEnvironment: "node",
  roots: ["<rootDir>/spec"],
  testMatch: ["**/*.spec.ts"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }],
  },
  moduleNameMapper: {
    "^chatkit-rx$": "<rootDir>/index.ts",
    "^chatkit-rx/agents$": "<rootDir>/agents.ts",
  },
  testTimeout: 30_000,
};

export default config;
