// The package's version. Under tsx and vitest this reads package.json as a module; every bundle
// (scripts/lib/bundle.ts) replaces that module with `{ "version": "…" }` at build time, so dist/
// carries the version as a literal and reads no file at run time.
import pkg from "../package.json" with { type: "json" };

/** This package's version, as in its package.json: `"0.1.0"`. */
export const VERSION: string = pkg.version;
