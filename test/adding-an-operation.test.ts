// Adding an operation, as docs/maintaining.md says: one table entry, its CLI formatter, then
// vendor and generate. In a scratch copy of the repository, a synthetic GET
// /{version}/synthetic/widgets with a query parameter is added: not one of Stability's operations
// but its own small upstream document per version (the committed subset plus the operation), so
// this test holds whatever the table holds. The client, its validators, the testing kit, the CLI,
// the MCP tools and drift then serve it, and only the two hand-written files were touched. The
// scratch copy's modules run in this process.
import { cp, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { runDrift as RunDrift } from "../scripts/lib/drift-cli.ts";
import type { Finding } from "../scripts/lib/drift/index.ts";
import type { generateVersion as GenerateVersion } from "../scripts/lib/generate.ts";
import { PIPELINE } from "../scripts/lib/pipeline.ts";
import type { vendorVersion as VendorVersion } from "../scripts/lib/vendor.ts";
import { API_VERSIONS, OPERATIONS, type ApiVersion } from "../src/index.ts";
import { REPO_ROOT } from "./helpers/scratch-repo.ts";
import { json, startServer, type TestServer } from "./helpers/server.ts";

const NAME = "widgets";
const PATH = "/synthetic/widgets";
if (NAME in OPERATIONS)
  throw new Error(`the table has a ${NAME} operation; rename the synthetic one`);

// The two hand-written edits: the table entry and the CLI formatter, each added as the last entry.
const TABLE_ENTRY = `  ${NAME}: { method: "GET", path: "${PATH}", params: { color: { in: "query", name: "color" } } },
`;
const FORMATTER = `  ${NAME}: {
    summary: "the widgets of --color (a synthetic operation)",
    call: (client, args) => client.${NAME}(args),
    text: (body) => body.widgets.map((w) => \`\${clean(w.id)} \${clean(w.color)}\`).join("\\n"),
  },
`;
const EDITS = [
  {
    file: "src/operations.ts",
    before: "} as const satisfies Record<string, OperationEntry>;",
    add: TABLE_ENTRY,
  },
  {
    file: "src/cli/commands.ts",
    before: "} satisfies { [N in OperationName]: Formatter<N> };",
    add: FORMATTER,
  },
];

const EXAMPLE = { widgets: [{ id: "w-1", color: "red" }] };
const DESCRIPTION =
  "The widgets of a colour: a synthetic operation for test/adding-an-operation.test.ts.";

type Doc = {
  paths: Record<string, Record<string, { security?: unknown }>>;
  components: { schemas: Record<string, unknown> };
};

/** The committed subset of `version` with the synthetic operation added: its small upstream. */
async function upstreamOf(version: ApiVersion, colorRequired = false): Promise<Doc> {
  const doc = JSON.parse(
    await readFile(path.join(REPO_ROOT, PIPELINE[version].vendored), "utf8"),
  ) as Doc;
  const [someOperation] = Object.values(Object.values(doc.paths)[0]!);
  doc.paths[`/${version}${PATH}`] = {
    get: {
      operationId: "listWidgets",
      summary: "widgets",
      description: DESCRIPTION,
      parameters: [
        {
          in: "query",
          name: "color",
          required: colorRequired,
          description: "Only the widgets of this colour.",
          schema: { type: "string" },
        },
      ],
      security: someOperation!.security,
      responses: {
        "200": {
          description: "OK response.",
          content: {
            "application/json": {
              schema: { $ref: "#/components/schemas/WidgetList" },
              example: EXAMPLE,
            },
          },
        },
      },
    } as never,
  };
  doc.components.schemas.WidgetList = {
    type: "object",
    properties: { widgets: { type: "array", items: { $ref: "#/components/schemas/Widget" } } },
    required: ["widgets"],
  };
  doc.components.schemas.Widget = {
    type: "object",
    properties: { id: { type: "string" }, color: { type: "string" } },
    required: ["id", "color"],
  };
  return doc;
}

let root: string;
let server: TestServer;
const upstreams = {} as Record<ApiVersion, string>;
/** A module of the scratch copy, loaded in this process. */
const scratch = <T>(file: string) => import(path.join(root, file)) as Promise<T>;

/** Every file under `dir`, relative to it. */
async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "add-operation-"));
  for (const part of ["src", "scripts", "openapi", "tsconfig.json", "package.json"])
    await cp(path.join(REPO_ROOT, part), path.join(root, part), { recursive: true });
  await symlink(path.join(REPO_ROOT, "node_modules"), path.join(root, "node_modules"), "dir");
  for (const { file, before, add } of EDITS) {
    const source = await readFile(path.join(root, file), "utf8");
    if (!source.includes(before))
      throw new Error(`${file}: no "${before}" to add the entry before`);
    await writeFile(path.join(root, file), source.replace(before, `${add}${before}`));
  }
  await mkdir(path.join(root, "upstream"));
  const { vendorVersion } = await scratch<{ vendorVersion: typeof VendorVersion }>(
    "scripts/lib/vendor.ts",
  );
  const { generateVersion } = await scratch<{ generateVersion: typeof GenerateVersion }>(
    "scripts/lib/generate.ts",
  );
  for (const version of API_VERSIONS) {
    upstreams[version] = path.join(root, "upstream", `${version}.json`);
    await writeFile(upstreams[version], JSON.stringify(await upstreamOf(version), null, 2));
    await vendorVersion(version, { upstream: upstreams[version], root });
    for (const [file, text] of await generateVersion(version, { root }))
      await writeFile(file, text);
  }
  server = await startServer(json(200, EXAMPLE));
}, 120_000);
afterAll(async () => {
  await server?.close();
  await rm(root, { recursive: true, force: true });
});

describe("adding a synthetic GET /{version}/synthetic/widgets with a query parameter", () => {
  it("touches two hand-written files: the table entry and the CLI formatter", async () => {
    const changed: string[] = [];
    for (const dir of ["src", "scripts"]) {
      const before = new Set(await files(path.join(REPO_ROOT, dir)));
      for (const file of await files(path.join(root, dir))) {
        if (file.startsWith("generated")) continue;
        const [now, then] = await Promise.all([
          readFile(path.join(root, dir, file), "utf8"),
          before.has(file) ? readFile(path.join(REPO_ROOT, dir, file), "utf8") : "",
        ]);
        if (now !== then) changed.push(`${dir}/${file}`);
      }
    }
    expect(changed.sort()).toEqual(EDITS.map((e) => e.file).sort());
    // vendor and generate wrote the rest: both subsets now hold the operation.
    for (const version of API_VERSIONS) {
      const subset = await readFile(path.join(root, PIPELINE[version].vendored), "utf8");
      expect(subset).toContain(`"/${version}${PATH}"`);
    }
  });

  it("compiles: every part of src/ takes the new operation without another edit", () => {
    // src/ only, with the project's options: the scripts and tests are not what the operation needs.
    const ts = createRequire(import.meta.url)("typescript") as typeof import("typescript");
    const config = ts.getParsedCommandLineOfConfigFile(
      path.join(root, "tsconfig.json"),
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: () => undefined,
      },
    )!;
    const src = config.fileNames.filter((f) => f.startsWith(path.join(root, "src") + path.sep));
    const program = ts.createProgram(src, config.options);
    const errors = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, " "));
    expect(errors).toEqual([]);
  }, 120_000);

  it("gives the client its methods, sending the query parameter, and validates the body per version", async () => {
    type Library = typeof import("../src/index.ts");
    const lib = await scratch<Library>("src/index.ts");
    const { createMockFetch } = await scratch<typeof import("../src/testing.ts")>("src/testing.ts");
    for (const apiVersion of API_VERSIONS) {
      const client = lib.createStabilityClient({ apiKey: "sk-x", apiVersion, baseUrl: server.url });
      const call = client as unknown as Record<string, (options?: object) => Promise<unknown>>;
      expect(await call[NAME]!({ color: "red" })).toEqual(EXAMPLE);
      expect(await call[`${NAME}WithHttpInfo`]!()).toMatchObject({ status: 200, data: EXAMPLE });
      // The testing kit answers with the spec's example, and the validator refuses a bad body.
      const mocked = lib.createStabilityClient({
        apiKey: "sk-x",
        apiVersion,
        fetch: createMockFetch(),
      });
      expect(await (mocked as unknown as typeof call)[NAME]!()).toEqual(EXAMPLE);
      const bad = lib.createStabilityClient({
        apiKey: "sk-x",
        apiVersion,
        maxRetries: 0,
        fetch: createMockFetch({ [NAME]: { status: 200, body: { widgets: "none" } } } as never),
      });
      const refused = await (bad as unknown as typeof call)[NAME]!().catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(lib.StabilityValidationError);
    }
    expect(server.received.map((r) => r.path)).toEqual(
      API_VERSIONS.flatMap((v) => [`/${v}${PATH}?color=red`, `/${v}${PATH}`]),
    );
  });

  it("gives the CLI its subcommand and the --color flag", async () => {
    const { main } = await scratch<typeof import("../src/cli/main.ts")>("src/cli/main.ts");
    for (const version of API_VERSIONS) {
      let stdout = "";
      const io = { out: (t: string) => void (stdout += `${t}\n`), err: () => undefined };
      const args = [NAME, "--api-version", version, "--color", "blue", "--base-url", server.url];
      expect(await main(args, { STABILITY_API_KEY: "sk-cli" }, io)).toBe(0);
      expect(stdout).toBe("w-1 red\n");
    }
    expect(server.received.slice(-2).map((r) => r.path)).toEqual(
      API_VERSIONS.map((v) => `/${v}${PATH}?color=blue`),
    );
    let help = "";
    await main(["--help"], {}, { out: (t) => void (help += t), err: () => undefined });
    expect(help).toMatch(new RegExp(`^ {2}${NAME} +the widgets of --color`, "m"));
    expect(help).toMatch(/--color <value> +widgets: send this color/);
  });

  it("gives the MCP server its tool, described and parameterised as the spec says", async () => {
    const { toolsFor } = await scratch<typeof import("../src/mcp/tools.ts")>("src/mcp/tools.ts");
    for (const version of API_VERSIONS) {
      const tool = toolsFor(version).find((t) => (t.name as string) === NAME);
      expect(tool).toMatchObject({
        description: DESCRIPTION,
        inputSchema: {
          properties: {
            color: { type: "string", description: "Only the widgets of this colour." },
          },
          additionalProperties: false,
        },
        annotations: { readOnlyHint: true },
      });
      expect(tool?.inputSchema.required).toBeUndefined();
    }
  });

  it("gives drift the operation to watch: no drift as vendored, ERR when its parameter becomes required", async () => {
    const { runDrift } = await scratch<{ runDrift: typeof RunDrift }>("scripts/lib/drift-cli.ts");
    const drift = async (given: Record<ApiVersion, string>) => {
      let stdout = "";
      const cwd = process.cwd();
      process.chdir(root);
      try {
        const io = {
          stdout: (t: string) => void (stdout += t),
          stderr: () => undefined,
          upstreams: given,
        };
        const code = await runDrift(["--format", "json"], io);
        return { code, findings: JSON.parse(stdout) as Finding[] };
      } finally {
        process.chdir(cwd);
      }
    };
    expect(await drift(upstreams)).toEqual({ code: 0, findings: [] });
    const required = path.join(root, "upstream", "v1-color-required.json");
    await writeFile(required, JSON.stringify(await upstreamOf("v1", true), null, 2));
    const { code, findings } = await drift({ ...upstreams, v1: required });
    expect(code).toBe(1);
    expect(findings.map((f) => `${f.level} ${f.id} ${f.operation}`)).toEqual(
      expect.arrayContaining([
        `ERR request-parameter-became-required GET /v1${PATH}`,
        "ERR compile-failed document",
      ]),
    );
  }, 120_000);
});
