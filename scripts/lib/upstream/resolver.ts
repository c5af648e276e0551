// Redocly's bundler reads each `$ref`'d document through this resolver: scope.ts says whether it
// may be read at all (a refusal reads nothing), read.ts reads it under the document's limits, and
// parse.ts parses it like the root. What it refuses becomes an unresolved `$ref` for extract.ts.
import { realpath } from "node:fs/promises";
import path from "node:path";
import { BaseResolver, Source, type Document } from "@redocly/openapi-core";
import { UpstreamError } from "./error.ts";
import type { Json } from "./json.ts";
import { parseText } from "./parse.ts";
import { ByteBudget, readLocalFile, readUrl, type ReadLimits } from "./read.ts";
import { outsideScope, refTarget } from "./scope.ts";

export class ScopedResolver extends BaseResolver {
  private readonly budget: ByteBudget;
  private folder: Promise<string> | undefined;
  /** Every parsed document by its absolute location, the root's included (to locate problems). */
  readonly parsed = new Map<string, Json>();

  constructor(
    readonly root: string,
    private readonly limits: ReadLimits,
    /** Applied to each document as it is parsed (extract.ts drops the code samples). */
    private readonly prune: (doc: Json) => Json,
  ) {
    super();
    this.budget = new ByteBudget(limits.maxBytes);
  }

  override resolveExternalRef(base: string | null, ref: string): string {
    return refTarget(base ?? this.root, ref);
  }

  override async loadExternalRef(absoluteRef: string): Promise<Source> {
    const refused = outsideScope(this.root, absoluteRef);
    if (refused !== undefined) throw new UpstreamError(`refused: ${refused}; nothing read`);
    const bytes = /^https?:/i.test(absoluteRef)
      ? await readUrl(absoluteRef, this.limits, this.budget, new URL(this.root).origin)
      : await readLocalFile(absoluteRef, this.budget, await this.realFolder());
    return new Source(absoluteRef, new TextDecoder().decode(bytes));
  }

  override parseDocument(source: Source): Document {
    const parsed = parseText(source.body, source.absoluteRef);
    if (parsed === null || typeof parsed !== "object")
      throw new UpstreamError(`${source.absoluteRef}: not a JSON or YAML object`);
    const pruned = this.prune(parsed);
    this.parsed.set(source.absoluteRef, pruned);
    return { source, parsed: pruned };
  }

  /** The root document as the bundler takes it, without serialising it (which expands aliases). */
  rootDocument(doc: Json): Document {
    // The bundler edits the root in place (unused components go): keep the original to read from.
    // structuredClone keeps shared nodes shared, so a YAML alias is not expanded here either.
    this.parsed.set(this.root, structuredClone(doc));
    return { source: new Source(this.root, ""), parsed: doc };
  }

  private realFolder(): Promise<string> {
    this.folder ??= realpath(path.dirname(this.root));
    return this.folder;
  }
}
