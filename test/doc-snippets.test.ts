// Every code block of the README and docs/ runs or type-checks as written: TypeScript blocks are
// compiled against src/ as the package, JavaScript blocks (what no compiler checks) are run and
// throw what their comments say, each `stability-user` command runs against the testing kit's API
// (the MCP one is parsed and planned), `npm run` names a script, JSON parses, and the check plugin's
// sample line is what `check` prints. The error-handling snippet runs against a local server.
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { sourcesUnder, unlessCompiledClean } from "./helpers/clean-compile.ts";
import { parse } from "../src/cli/args.ts";
import { clientOptions } from "../src/cli/config.ts";
import { checkFlags, commandOf } from "../src/cli/plan.ts";
import { StabilityInputError, createStabilityClient } from "../src/index.ts";
import { createMockFetch } from "../src/testing.ts";
import { runCli } from "./helpers/cli.ts";
import { PAGES, ROOT, blocksOf, type Block } from "./helpers/docs.ts";
import { json, serverPerTest } from "./helpers/server.ts";

const ENTRY = fileURLToPath(new URL("../src/index.ts", import.meta.url));
const TESTING = fileURLToPath(new URL("../src/testing.ts", import.meta.url));
const BLOCKS = PAGES.flatMap(blocksOf);
const where = (block: Block) => `${block.page}:${block.line}`;
const serve = serverPerTest();
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

/** The blocks in `lang` that contain `marker` (all of them without one). */
const blocks = (lang: string, marker = "") =>
  BLOCKS.filter((block) => block.lang === lang && block.code.includes(marker));

/** Writes `code` as a module beside nothing else, imports it, and returns what it exports. */
async function importModule(code: string): Promise<Record<string, unknown>> {
  const dir = await mkdtemp(path.join(tmpdir(), "doc-snippet-"));
  try {
    const file = path.join(dir, "snippet.ts");
    await writeFile(file, code.replaceAll('"stability-user-client"', JSON.stringify(ENTRY)));
    return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

it("every code block is in a language these tests check", () => {
  expect(BLOCKS.length).toBeGreaterThan(20);
  const unchecked = BLOCKS.filter((b) => !["ts", "js", "sh", "json", "text"].includes(b.lang));
  expect(unchecked.map((b) => `${where(b)} \`\`\`${b.lang}`)).toEqual([]);
});

describe("the TypeScript blocks", () => {
  it("compile against the package, as a user's module that may use `stability`", () => {
    const files = new Map(
      blocks("ts").map((block) => [
        path.join(
          ROOT,
          "test",
          "doc-snippets",
          `${block.page.replace(/\W/g, "_")}_${block.line}.ts`,
        ),
        `${prelude(block.code)}\n${block.code}\nexport {};\n`,
      ]),
    );
    expect(files.size).toBeGreaterThan(8);
    const inputs = [...files, ...sourcesUnder("src")];
    expect(unlessCompiledClean(inputs, () => typeErrors(files))).toEqual([]);
  });
});

/** Names of the public entry's exports, with whether each is a type only. */
function entryExports(): Map<string, boolean> {
  const source = ts.createSourceFile(ENTRY, readFileSync(ENTRY, "utf8"), ts.ScriptTarget.ES2022);
  const names = new Map<string, boolean>();
  for (const statement of source.statements) {
    if (!ts.isExportDeclaration(statement) || !statement.exportClause) continue;
    const clause = statement.exportClause;
    if (ts.isNamespaceExport(clause)) names.set(clause.name.text, true);
    else
      for (const e of clause.elements) names.set(e.name.text, statement.isTypeOnly || e.isTypeOnly);
  }
  return names;
}

/**
 * What a block leaves to its reader: the package's exports it uses but does not import, a client
 * named `stability`, and undici's proxy agent.
 */
function prelude(code: string): string {
  const uses = (name: string) => new RegExp(`\\b${name}\\b`).test(code);
  const declares = (name: string) =>
    new RegExp(
      `(import\\s[^;]*\\b${name}\\b[^;]*from|(const|let|function|class)\\s+${name}\\b)`,
    ).test(code);
  const wanted = (name: string) => uses(name) && !declares(name);
  const imports = [...entryExports()]
    .filter(([name]) => wanted(name))
    .map(([name, typeOnly]) => (typeOnly ? `type ${name}` : name));
  return [
    imports.length > 0 ? `import { ${imports.join(", ")} } from "stability-user-client";` : "",
    wanted("stability")
      ? 'declare const stability: import("stability-user-client").StabilityClient<"v1alpha">;'
      : "",
    wanted("EnvHttpProxyAgent") ? 'import { EnvHttpProxyAgent } from "undici";' : "",
  ].join("\n");
}

/** The compiler's errors in `files` (virtual modules), compiled with tsconfig.json's options. */
function typeErrors(files: Map<string, string>): string[] {
  const config = ts.readConfigFile(path.join(ROOT, "tsconfig.json"), (f) => ts.sys.readFile(f));
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  Object.assign(options, {
    noEmit: true,
    baseUrl: ROOT,
    paths: { "stability-user-client": [ENTRY], "stability-user-client/testing": [TESTING] },
  });
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, target, ...rest) => {
    const text = files.get(name);
    return text === undefined
      ? getSourceFile(name, target, ...rest)
      : ts.createSourceFile(name, text, target);
  };
  host.fileExists = (name) => files.has(name) || ts.sys.fileExists(name);
  host.readFile = (name) => files.get(name) ?? ts.sys.readFile(name);
  const program = ts.createProgram([...files.keys()], options, host);
  return [...files.keys()].flatMap((name) => {
    const file = program.getSourceFile(name)!;
    return [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)].map(
      (d) => {
        const { line } = file.getLineAndCharacterOfPosition(d.start ?? 0);
        return `${path.basename(name)}:${line + 1} ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`;
      },
    );
  });
}

describe("the JavaScript blocks (calls no compiler checks)", () => {
  it("throw, line by line, the StabilityInputError their comments quote", async () => {
    const lines = blocks("js").flatMap((block) =>
      block.code
        .split("\n")
        .map((line) => /^(.+;) *\/\/ (.+)$/.exec(line))
        .filter((m) => m !== null)
        .map(([, call, message]) => ({ call: call!, message: message!, at: where(block) })),
    );
    expect(lines.length).toBeGreaterThanOrEqual(5);
    const calls = await importModule(
      `import { createStabilityClient } from "stability-user-client";
import { createMockFetch } from ${JSON.stringify(TESTING)};
const stability = createStabilityClient({ apiKey: "sk-docs", fetch: createMockFetch() });
export default [${lines.map(({ call }) => `async () => { ${call} }`).join(",\n")}];`,
    );
    for (const [i, { message, at }] of lines.entries()) {
      const error = await (calls.default as (() => Promise<void>)[])[i]!().catch((e: unknown) => e);
      expect(error, at).toBeInstanceOf(StabilityInputError);
      expect((error as Error).message, at).toBe(message);
    }
  });
});

describe("the README's error-handling snippet", () => {
  it("prints a sentence for a 429 without Retry-After, and the wait when there is one", async () => {
    const [block] = blocks("ts", "err instanceof RateLimitError");
    expect(block).toBeDefined();
    for (const [headers, line] of [
      [{}, "rate limited"],
      [{ "retry-after": "2" }, "retry in 2000 ms"],
    ] as const) {
      const server = await serve(
        json(429, { name: "rate_limited", message: "slow down" }, headers),
      );
      const printed: string[] = [];
      vi.spyOn(console, "error").mockImplementation((text: string) => void printed.push(text));
      const setup = `import { createStabilityClient as create } from "stability-user-client";
const stability = create({ apiKey: "sk-snippet", baseUrl: ${JSON.stringify(server.url)}, maxRetries: 0, logLevel: "off" });`;
      await importModule(
        `${block!.code.replace(/^(import [^;]+;\n)?/, `$1${setup}\n`)}\nexport {};\n`,
      );
      expect(printed).toEqual([line]);
    }
  });
});

/** The shell words of a command line, up to a redirection, a pipe, `;`, `&&` or a comment. */
function words(line: string): string[] {
  const found: string[] = [];
  for (const [, quoted, plain] of line.matchAll(/"([^"]*)"|(\S+)/g)) {
    if (plain !== undefined && /^([0-9]?[<>]|[;|&#])/.test(plain)) break;
    found.push(quoted ?? plain!.replace(/;$/, ""));
  }
  return found;
}

/** Every `stability-user` command in the shell, text and JSON blocks: its arguments, and where. */
function commands(): { args: string[]; at: string }[] {
  const found: { args: string[]; at: string }[] = [];
  for (const block of BLOCKS) {
    if (block.lang === "json") {
      const config = JSON.parse(block.code) as {
        mcpServers?: Record<string, { command: string; args: string[] }>;
      };
      for (const server of Object.values(config.mcpServers ?? {}))
        if (server.command === "stability-user")
          found.push({ args: server.args, at: where(block) });
    }
    if (block.lang !== "sh" && block.lang !== "text") continue;
    for (const line of block.code.split("\n")) {
      const start = /(?:^|[\s/])stability-user\s/.exec(line);
      if (!start) continue;
      // Nagios fills $ARG1$ and $ARG2$ from `check_command …!100!10`.
      const rest = line
        .slice(start.index + start[0].length)
        .replace("$ARG1$", "100")
        .replace("$ARG2$", "10");
      found.push({ args: words(rest), at: where(block) });
    }
  }
  return found;
}

describe("the shell, text and JSON blocks", () => {
  let all: { args: string[]; at: string }[];
  beforeAll(() => {
    all = commands();
  });

  it("parse as JSON where they are JSON", () => {
    for (const block of blocks("json"))
      expect(() => void JSON.parse(block.code), where(block)).not.toThrow();
  });

  it("run each stability-user command, without a usage error, against an API that answers", async () => {
    const run = all.filter(({ args }) => args[0] !== "mcp");
    expect(run.length).toBeGreaterThan(8);
    const dir = await mkdtemp(path.join(tmpdir(), "doc-commands-"));
    try {
      for (const { args, at } of run) {
        vi.stubGlobal("fetch", createMockFetch({ balance: { credits: 900 } }));
        const output = args.indexOf("--output");
        const argv = args.map((arg, i) =>
          i === output + 1 && output >= 0 ? path.join(dir, "out") : arg,
        );
        const { code, stderr } = await runCli(argv, { STABILITY_API_KEY: "sk-docs" });
        expect({ at, args, code, stderr }).toEqual({ at, args, code: 0, stderr: "" });
        if (output >= 0)
          expect(await readFile(path.join(dir, "out"), "utf8")).toContain("stability_credits");
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("give `stability-user mcp` flags it takes and a key it accepts", async () => {
    const mcp = all.filter(({ args }) => args[0] === "mcp");
    expect(mcp.length).toBeGreaterThan(0);
    for (const { args, at } of mcp) {
      const { values, positionals } = parse(args);
      checkFlags(values, commandOf(positionals));
      const options = await clientOptions(values, { STABILITY_API_KEY: "sk-docs" }, () => {});
      expect(() => createStabilityClient(options), at).not.toThrow();
    }
  });

  it("name only scripts package.json has in `npm run`", () => {
    const { scripts } = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    const named = blocks("sh").flatMap((block) =>
      [...block.code.matchAll(/npm run (?:-s )?([\w:-]+)/g)].map((m) => ({
        name: m[1]!,
        at: where(block),
      })),
    );
    expect(named.length).toBeGreaterThan(10);
    expect(named.filter(({ name }) => !(name in scripts))).toEqual([]);
  });

  it("show the check plugin's line as `check` prints it", async () => {
    const samples = blocks("text", "STABILITY CREDITS");
    expect(samples.length).toBeGreaterThan(0);
    vi.stubGlobal(
      "fetch",
      createMockFetch({
        balance: (request) =>
          request.headers.get("organization") === "org-a" ? { credits: 42.5 } : { credits: 900 },
      }),
    );
    const argv = [
      "check",
      "--organization",
      "org-a",
      "--organization",
      "org-b",
      "--warning",
      "100",
      "--critical",
      "10",
    ];
    const { stdout } = await runCli(argv, { STABILITY_API_KEY: "sk-docs" });
    for (const sample of samples) expect(sample.code, where(sample)).toBe(stdout);
  });
});
