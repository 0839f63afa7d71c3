#!/usr/bin/env node
"use strict";
// The published command line: `npx chatkit-rx check|render ...` (compiled from lib/cli/).
require("../dist/lib/cli/main.js")
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
