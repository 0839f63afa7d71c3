/**
 * A Jest transform for PGlite's CommonJS build, which loads Node built-ins
 * with `await import("fs")`. Jest runs modules in a VM that only supports
 * dynamic import under `--experimental-vm-modules`; a built-in loaded with
 * `require` is the same module, so each such import becomes a `require`.
 */
import { createHash } from "node:crypto";
import { isBuiltin } from "node:module";

const DYNAMIC_IMPORT = /\bimport\("([^"]+)"\)/g;
/** Emscripten's glue declares its own `var require` inside functions; keep the module's under another name. */
const PRELUDE = "var __jestBuiltinRequire = require;";

export default {
  /** @param {string} source */
  process(source) {
    return {
      code:
        PRELUDE +
        source.replace(DYNAMIC_IMPORT, (call, name) =>
          isBuiltin(name)
            ? `Promise.resolve().then(() => __jestBuiltinRequire(${JSON.stringify(name)}))`
            : call,
        ),
    };
  },
  /** @param {string} source */
  getCacheKey(source) {
    return createHash("sha256").update("jest.builtinImports v1\0").update(source).digest("hex");
  },
};
