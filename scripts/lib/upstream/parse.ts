// Text → document, for the root and every `$ref`'d file alike: JSON when it looks like JSON (so a
// broken JSON file is reported as such), YAML otherwise, with YAML's aliases bounded by the
// parser's own limit (an alias bomb is refused while parsing, never expanded).
import { createRequire } from "node:module";
import { UpstreamError } from "./error.ts";
import { isObject, type Json } from "./json.ts";

export type OpenApiDocument = { [key: string]: Json };

// Loaded on the first YAML text (about 80 ms): JSON documents, drift's common case, never need it.
const yaml = () => createRequire(import.meta.url)("yaml") as typeof import("yaml");

/** How many alias expansions a YAML document may make (the `yaml` package's default, explicit). */
const MAX_ALIAS_COUNT = 100;

/** Parses JSON or YAML; a failure is an UpstreamError naming `source`. */
export function parseText(text: string, source: string): Json {
  const json = /^\s*[{[]/.test(text);
  try {
    return (
      json ? JSON.parse(text) : yaml().parse(text, { maxAliasCount: MAX_ALIAS_COUNT })
    ) as Json;
  } catch (error) {
    const detail = (error as Error).message.split("\n")[0];
    throw new UpstreamError(`${source}: not valid ${json ? "JSON" : "YAML"} (${detail})`);
  }
}

/** Parses an upstream document and checks it is OpenAPI 3.x with paths. */
export function parseDocument(text: string, source: string): OpenApiDocument {
  const parsed = parseText(text, source);
  if (!isObject(parsed)) {
    throw new UpstreamError(`${source}: not an OpenAPI document (not an object)`);
  }
  const doc = parsed;
  if (typeof doc.openapi !== "string" || !/^3\.\d+/.test(doc.openapi)) {
    const found = doc.swagger
      ? `swagger ${typeof doc.swagger === "string" ? doc.swagger : JSON.stringify(doc.swagger)}`
      : `openapi: ${JSON.stringify(doc.openapi ?? null)}`;
    throw new UpstreamError(`${source}: not an OpenAPI 3.x document (${found})`);
  }
  if (!isObject(doc.paths)) throw new UpstreamError(`${source}: OpenAPI document has no paths`);
  return doc;
}
