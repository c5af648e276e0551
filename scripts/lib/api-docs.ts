// The API reference in docs/api/: TypeDoc and its markdown plugin over the TSDoc of the public
// entries. Rendered into a scratch directory and returned as text, so `npm run docs` writes it and
// `npm run docs -- --check` compares it. scripts/docs.ts does either; tests call these in-process.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  Application,
  DeclarationReflection,
  LogLevel,
  Logger,
  OptionDefaults,
  ReflectionKind,
  TSConfigReader,
  type ProjectReflection,
  type TypeDocOptions,
} from "typedoc";
import type { PluginOptions } from "typedoc-plugin-markdown";
import { readTree } from "./api-docs-files.ts";

/** The public entries: `stability-user-client` and `stability-user-client/testing`. */
const ENTRIES = { entryPoints: ["src/index.ts", "src/testing.ts"], tsconfig: "tsconfig.docs.json" };

// Kinds that must carry a doc comment; a function's or method's comment sits on its signatures.
const MUST_BE_DOCUMENTED =
  ReflectionKind.Variable |
  ReflectionKind.Function |
  ReflectionKind.Class |
  ReflectionKind.Interface |
  ReflectionKind.TypeAlias |
  ReflectionKind.Enum |
  ReflectionKind.EnumMember |
  ReflectionKind.Property |
  ReflectionKind.Method |
  ReflectionKind.Accessor;

const EXPORTS = ReflectionKind.Project | ReflectionKind.Module | ReflectionKind.Namespace;

/** Collects TypeDoc's warnings and errors instead of printing them. */
class Collector extends Logger {
  readonly messages: string[] = [];
  override log(message: string, level: LogLevel): void {
    super.log(message, level);
    if (level >= LogLevel.Warn) this.messages.push(message);
  }
}

export interface ApiDocs {
  /** Path below the output directory → markdown. */
  files: Map<string, string>;
  /** Public exports (and their members) without a doc comment, by full name. */
  undocumented: string[];
  /** TypeDoc's warnings and errors: unknown tags, broken `{@link}`s. */
  problems: string[];
}

/**
 * Public exports, and the members of exported classes and interfaces, with no doc comment. What a
 * type literal holds is documented by the declaration it types; an inherited or overriding member,
 * where it was declared first; code generated from the specs (src/generated/) by the spec.
 */
export function undocumented(project: ProjectReflection): string[] {
  const missing: string[] = [];
  for (const reflection of project.getReflectionsByKind(MUST_BE_DOCUMENTED)) {
    if (!(reflection instanceof DeclarationReflection) || !reflection.parent) continue;
    if (!reflection.parent.kindOf(EXPORTS | ReflectionKind.ClassOrInterface)) continue;
    if (reflection.inheritedFrom || reflection.overwrites) continue;
    const symbol = project.getSymbolIdFromReflection(reflection);
    if (!symbol?.packagePath.startsWith("src/") || symbol.packagePath.startsWith("src/generated/"))
      continue;
    const signatures = reflection.getNonIndexSignatures();
    if (reflection.hasComment() || signatures.some((signature) => signature.hasComment())) continue;
    missing.push(reflection.getFriendlyFullName());
  }
  return missing;
}

/** Renders the reference for `entries` (the public entries unless a test gives its own). */
export async function renderApiDocs(entries = ENTRIES): Promise<ApiDocs> {
  const options: Partial<TypeDocOptions & PluginOptions> = {
    ...entries,
    plugin: ["typedoc-plugin-markdown"],
    readme: "none",
    // The type check is `npm run check`'s; here it would only double the time.
    skipErrorChecking: true,
    // Line numbers would make every edit of src/ a stale reference.
    disableSources: true,
    outputFileStrategy: "modules",
    hidePageHeader: true,
    excludePrivate: true,
    excludeInternal: true,
    // The specs' own tag, in the generated types' comments.
    blockTags: [...OptionDefaults.blockTags, "@description"],
    // Internal helper types a public type is built from are named, not documented, in the reference.
    validation: { notExported: false, notDocumented: false, invalidLink: true },
    logLevel: "Warn",
  };
  // Only the tsconfig is read: no typedoc.json or package.json settings can change the output.
  const app = await Application.bootstrapWithPlugins(options, [new TSConfigReader()]);
  const collector = new Collector();
  app.logger = collector;
  const project = await app.convert();
  if (!project) return { files: new Map(), undocumented: [], problems: collector.messages };
  app.validate(project);
  const out = await mkdtemp(path.join(tmpdir(), "api-docs-"));
  try {
    await app.outputs.writeOutput({ name: "markdown", path: out }, project);
    return {
      files: await readTree(out),
      undocumented: undocumented(project),
      problems: collector.messages,
    };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}
