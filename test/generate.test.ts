// `npm run generate` as maintainers run it: scripts/generate.ts in a child process. Every write
// goes to a temp --out-dir; src/generated/ is only ever read (by --check on the repo).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runTs, type Run } from "./helpers/server.ts";

const SPEC = "openapi/v1alpha.openapi.json";
const TYPES = "v1alpha.ts";
const VALIDATORS = "v1alpha.validators.ts";
const SPEC_BYTES = readFileSync(new URL(`../${SPEC}`, import.meta.url));

const generate = (...args: string[]) => runTs("scripts/generate.ts", args);

let dir: string;
let first: string;
let second: string;
let runs: Run[];
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "generate-test-"));
  [first, second] = [path.join(dir, "first"), path.join(dir, "second")];
  // Two independent runs from the committed spec; most tests read the first one's output.
  runs = await Promise.all([generate("--out-dir", first), generate("--out-dir", second)]);
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// Generous: openapi-typescript costs ~3 s of CPU per run, and the machine is shared.
describe.concurrent("npm run generate", { timeout: 90_000 }, () => {
  it("writes the types and the validators, one line per file", () => {
    for (const run of runs) {
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`wrote .*${TYPES}`));
      expect(run.stdout).toMatch(new RegExp(`wrote .*${VALIDATORS}`));
    }
  });

  it("is deterministic: two runs write identical bytes", async () => {
    expect((await readdir(first)).sort()).toEqual(["v1.ts", "v1.validators.ts", TYPES, VALIDATORS]);
    for (const file of [TYPES, VALIDATORS]) {
      const [a, b] = await Promise.all([
        readFile(path.join(first, file)),
        readFile(path.join(second, file)),
      ]);
      expect(a.equals(b), file).toBe(true);
    }
  });

  it("starts each file with a DO NOT EDIT banner naming the spec and its sha256", async () => {
    const sha256 = createHash("sha256").update(SPEC_BYTES).digest("hex");
    for (const file of [TYPES, VALIDATORS]) {
      const head = (await readFile(path.join(first, file), "utf8")).split("\n").slice(0, 3);
      expect(head[0]).toMatch(/^\/\/ DO NOT EDIT\./);
      expect(head[1]).toBe(`// Source: ${SPEC} (sha256 ${sha256})`);
    }
  });

  it("emits path-typed paths, components and operations for both operations", async () => {
    const types = await readFile(path.join(first, TYPES), "utf8");
    expect(types).toMatch(/^export interface paths \{/m);
    expect(types).toMatch(/^export interface components \{/m);
    expect(types).toMatch(/^export interface operations \{/m);
    expect(types).toContain('"/v1alpha/user/account": {');
    expect(types).toContain('"/v1alpha/user/balance": {');
    expect(types).toMatch(/OrganizationMembership: \{/);
  });

  it("--check passes on the committed repository", async () => {
    const run = await generate("--check");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    for (const file of ["v1alpha.ts", "v1alpha.validators.ts", "v1.ts", "v1.validators.ts"])
      expect(run.stdout).toContain(`src/generated/${file} up to date`);
  });

  it("--check fails and names the stale file when an output file was edited", async () => {
    const stale = path.join(dir, "stale");
    await cp(first, stale, { recursive: true });
    const file = path.join(stale, VALIDATORS);
    await writeFile(file, `${await readFile(file, "utf8")}// hand edit\n`);
    const run = await generate("--check", "--out-dir", stale);
    expect(run.code).not.toBe(0);
    expect(run.stderr.trimEnd().split("\n")).toEqual([
      expect.stringContaining(`stale ${path.join(stale, VALIDATORS)};`),
    ]);
    expect(run.stderr).not.toContain(TYPES);
    // --check compares only: the edited file is still there as edited.
    expect(await readFile(file, "utf8")).toMatch(/\/\/ hand edit\n$/);
  });

  it("changes the generated type when the spec gains a property", async () => {
    const spec = JSON.parse(SPEC_BYTES.toString("utf8")) as {
      components: { schemas: { BalanceResponseBody: { properties: Record<string, unknown> } } };
    };
    spec.components.schemas.BalanceResponseBody.properties.currency = {
      type: "string",
      description: "The currency of the balance",
    };
    const grown = path.join(dir, "with-currency.openapi.json");
    await writeFile(grown, JSON.stringify(spec, null, 2));
    const out = path.join(dir, "with-currency");
    const run = await generate("--api-version", "v1alpha", "--spec", grown, "--out-dir", out);
    expect(run.code).toBe(0);

    const [before, after] = await Promise.all([
      readFile(path.join(first, TYPES), "utf8"),
      readFile(path.join(out, TYPES), "utf8"),
    ]);
    expect(before).not.toMatch(/currency\?: string;/);
    expect(after).toMatch(/currency\?: string;/);
    expect(after.split("\n")[1]).toContain(`Source: ${grown} (sha256 `);
  });
});
