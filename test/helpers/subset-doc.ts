// The committed v1alpha subset as a document the hostile-input tests mutate, with just enough of
// its shape typed for their fixtures.
import { readFileSync } from "node:fs";

export interface Schema {
  properties: Record<string, unknown>;
  required?: string[];
  example?: unknown;
  [key: string]: unknown;
}
export interface Operation {
  responses: Record<string, { content: Record<string, { example?: unknown }> }>;
  parameters: { description?: string }[];
  [key: string]: unknown;
}
export interface Doc {
  components: { schemas: Record<string, unknown> };
  paths: Record<string, { get: Operation }>;
  [key: string]: unknown;
}

/** The committed subset's text, as vendored. */
export const SUBSET = readFileSync(
  new URL("../../openapi/v1alpha.openapi.json", import.meta.url),
  "utf8",
);

/** A schema of the document by name; a fixture that no longer fits fails loudly. */
export const schemaOf = (doc: Doc, name: string): Schema => {
  const found = doc.components.schemas[name];
  if (found === undefined) throw new Error(`no schema ${name} in the committed subset`);
  return found as Schema;
};
