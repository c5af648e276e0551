// Generation: what `npm run generate` writes, checked in-process through generateVersion() (the
// function scripts/generate.ts calls once per version) for both API versions. Every write goes to
// a temp dir; src/generated/ is only ever read. The last block runs the command's function
// (runGenerate, what scripts/generate.ts calls), for what only the command does: --check,
// --api-version, one line per file, exit codes.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateVersion } from "../scripts/lib/generate.ts";
import { runGenerate } from "../scripts/lib/generate-cli.ts";
import { API_VERSIONS, type ApiVersion } from "../src/index.ts";
import { operationsOf } from "../src/operations.ts";
import { runScriptFn } from "./helpers/cli.ts";

const ROOT = new URL("..", import.meta.url);
const specOf = (version: ApiVersion) => `openapi/${version}.openapi.json`;
const specBytes = (version: ApiVersion) => readFileSync(new URL(specOf(version), ROOT));
const committed = (file: string) => readFileSync(new URL(file, ROOT), "utf8");

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "generate-test-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.for(API_VERSIONS)("generating %s", (version) => {
  const TYPES = `src/generated/${version}.ts`;
  const VALIDATORS = `src/generated/${version}.validators.ts`;
  const EXAMPLES = `src/generated/${version}.examples.ts`;
  const METADATA = `src/generated/${version}.operations.ts`;
  let outputs: Map<string, string>;
  beforeAll(async () => {
    outputs = new Map(await generateVersion(version));
  });

  it("gives the types, the validators, the examples and the operations' metadata, and exactly the committed bytes", () => {
    expect([...outputs.keys()]).toEqual([TYPES, VALIDATORS, EXAMPLES, METADATA]);
    // What `npm run generate -- --check` compares; a mismatch names the file.
    for (const [file, content] of outputs) expect(content === committed(file), file).toBe(true);
  });

  it("is deterministic: a second run gives identical output", async () => {
    expect(new Map(await generateVersion(version))).toEqual(outputs);
  });

  it("starts each file with a DO NOT EDIT banner naming the spec and its sha256", () => {
    const sha256 = createHash("sha256").update(specBytes(version)).digest("hex");
    for (const content of outputs.values()) {
      const head = content.split("\n").slice(0, 3);
      expect(head[0]).toMatch(/^\/\/ DO NOT EDIT\./);
      expect(head[1]).toBe(`// Source: ${specOf(version)} (sha256 ${sha256})`);
    }
  });

  it("writes each operation's parameters as the spec declares them, required or not", () => {
    const spec = JSON.parse(specBytes(version).toString()) as {
      paths: Record<string, Record<string, { parameters?: unknown[] }>>;
      components?: { parameters?: Record<string, unknown> };
    };
    const metadata = outputs.get(METADATA)!;
    for (const { name, method, path: opPath } of operationsOf(version)) {
      expect(metadata).toContain(`"path": "${opPath}"`);
      const declared = (spec.paths[opPath]?.[method.toLowerCase()]?.parameters ?? []).map(
        (p) =>
          ((p as { $ref?: string }).$ref
            ? spec.components?.parameters?.[(p as { $ref: string }).$ref.split("/").pop()!]
            : p) as { name: string; required?: boolean },
      );
      for (const parameter of declared)
        expect(metadata, name).toContain(
          `"name": "${parameter.name}",\n        "in": "header",\n        "required": ${parameter.required === true}`,
        );
    }
  });

  it("emits path-typed paths, components and operations for both operations", () => {
    const types = outputs.get(TYPES)!;
    expect(types).toMatch(/^export interface paths \{/m);
    expect(types).toMatch(/^export interface components \{/m);
    expect(types).toMatch(/^export interface operations \{/m);
    expect(types).toContain(`"/${version}/user/account": {`);
    expect(types).toContain(`"/${version}/user/balance": {`);
    expect(types).toMatch(/OrganizationMembership: \{/);
  });

  it("exports one validator per operation, keyed like operationKey()", () => {
    const validators = outputs.get(VALIDATORS)!;
    for (const { key } of operationsOf(version))
      expect(validators).toMatch(new RegExp(`^  ${JSON.stringify(key)}: validate\\d+,$`, "m"));
  });

  it("changes the generated type when the spec gains a property", async () => {
    const spec = JSON.parse(specBytes(version).toString("utf8")) as {
      components: { schemas: { BalanceResponseBody: { properties: Record<string, unknown> } } };
    };
    spec.components.schemas.BalanceResponseBody.properties.currency = {
      type: "string",
      description: "The currency of the balance",
    };
    const grown = path.join(dir, `${version}-with-currency.openapi.json`);
    await writeFile(grown, JSON.stringify(spec, null, 2));
    const [[file, after]] = (await generateVersion(version, {
      spec: grown,
      outDir: path.join(dir, "grown"),
    })) as [[string, string]];

    expect(file).toBe(path.join(dir, "grown", `${version}.ts`));
    expect(outputs.get(TYPES)).not.toMatch(/currency\?: string;/);
    expect(after).toMatch(/currency\?: string;/);
    expect(after.split("\n")[1]).toContain(`Source: ${grown} (sha256 `);
  });
});

it("generates the examples of a schema that refers to itself, without looping", async () => {
  // v1's account has no example of its own, so its example is composed from its properties'.
  const spec = JSON.parse(specBytes("v1").toString("utf8")) as {
    components: { schemas: Record<string, { properties: Record<string, unknown> }> };
  };
  spec.components.schemas.AccountResponseBody!.properties.parent = {
    $ref: "#/components/schemas/AccountResponseBody",
  };
  const cyclic = path.join(dir, "v1-cyclic.openapi.json");
  await writeFile(cyclic, JSON.stringify(spec, null, 2));
  const outputs = new Map(await generateVersion("v1", { spec: cyclic, outDir: dir }));
  const examples = outputs.get(path.join(dir, "v1.examples.ts"));
  expect(examples).toMatch(/"email": "example@stability.ai"/);
  expect(examples).not.toMatch(/"parent"/);
});

// The command itself.
describe("npm run generate (scripts/generate.ts)", () => {
  const generate = (...args: string[]) => runScriptFn(runGenerate, args);

  it("with --api-version writes that version's four files, one line each", async () => {
    const out = path.join(dir, "v1-only");
    const run = await generate("--api-version", "v1", "--out-dir", out);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout.trimEnd().split("\n")).toEqual([
      `generate: wrote ${path.join(out, "v1.ts")} (${committed("src/generated/v1.ts").length} bytes)`,
      expect.stringMatching(/^generate: wrote .*v1\.validators\.ts \(\d+ bytes\)$/),
      expect.stringMatching(/^generate: wrote .*v1\.examples\.ts \(\d+ bytes\)$/),
      expect.stringMatching(/^generate: wrote .*v1\.operations\.ts \(\d+ bytes\)$/),
    ]);
    expect((await readdir(out)).sort()).toEqual([
      "v1.examples.ts",
      "v1.operations.ts",
      "v1.ts",
      "v1.validators.ts",
    ]);
    expect(await readFile(path.join(out, "v1.ts"), "utf8")).toBe(committed("src/generated/v1.ts"));
  });

  it("--check passes on up-to-date files and fails naming the one stale file, changing nothing", async () => {
    const checked = path.join(dir, "checked");
    await cp(new URL("src/generated", ROOT), checked, { recursive: true });
    const fresh = await generate("--check", "--out-dir", checked);
    expect(fresh.stderr).toBe("");
    expect(fresh.code).toBe(0);
    for (const version of API_VERSIONS)
      for (const kind of ["", ".validators", ".examples", ".operations"]) {
        const file = `${version}${kind}.ts`;
        expect(fresh.stdout).toContain(`${path.join(checked, file)} up to date`);
      }

    const stale = path.join(checked, "v1alpha.validators.ts");
    await writeFile(stale, `${await readFile(stale, "utf8")}// hand edit\n`);
    const run = await generate("--check", "--out-dir", checked);
    expect(run.code).not.toBe(0);
    expect(run.stdout).toContain(`${stale} STALE`);
    expect(run.stderr.trimEnd().split("\n")).toEqual([
      expect.stringContaining(`generate --check: stale ${stale};`),
    ]);
    // --check compares only: the edited file is still there as edited, and nothing was added.
    expect(await readFile(stale, "utf8")).toMatch(/\/\/ hand edit\n$/);
    expect((await readdir(checked)).sort()).toEqual(
      (await readdir(new URL("src/generated", ROOT))).sort(),
    );
  });

  it("refuses --spec without --api-version (exit 2), writing nothing", async () => {
    const out = path.join(dir, "refused");
    await mkdir(out);
    const run = await generate("--spec", specOf("v1"), "--out-dir", out);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^generate: --spec needs --api-version/);
    expect(await readdir(out)).toEqual([]);
  });
});
