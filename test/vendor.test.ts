// Vendoring: what `npm run vendor` writes, checked in-process through vendorVersion() (the function
// scripts/vendor.ts calls once per version) for both API versions, reading fixtures that each test
// derives from the committed vendored spec by a named mutation and writing to a temp dir. The last
// block runs scripts/vendor.ts itself, for what only the command does: flags, exit codes, one line.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UpstreamError } from "../scripts/lib/upstream/error.ts";
import { runVendor } from "../scripts/lib/vendor-cli.ts";
import { vendorVersion } from "../scripts/lib/vendor.ts";
import { API_VERSIONS, type ApiVersion } from "../src/index.ts";
import { OPERATION_NAMES, operationsOf } from "../src/operations.ts";
import {
  closedPort,
  json,
  startServer,
  text,
  type Run,
  type TestServer,
} from "./helpers/server.ts";
import { runScriptFn } from "./helpers/cli.ts";

/** Just enough of an OpenAPI document's shape for the fixtures' mutations and the assertions. */
interface Doc {
  openapi?: string;
  info?: unknown;
  servers?: { url: string }[];
  tags: { name: string; description?: string }[];
  /** path → method → operation */
  paths: Record<string, Record<string, Record<string, unknown>>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
  "x-provenance"?: { source: string; sha256: string };
  [key: string]: unknown;
}

const committed = (version: ApiVersion) =>
  JSON.parse(
    readFileSync(new URL(`../openapi/${version}.openapi.json`, import.meta.url), "utf8"),
  ) as Doc;
const CODE_SAMPLES = [{ lang: "Shell", label: "cURL", source: "curl https://api.stability.ai" }];
const withoutProvenance = ({ "x-provenance": _provenance, ...doc }: Doc) => doc;

/** The committed subset without its provenance: what any good upstream must vendor back to. */
const vendoredSubset = (version: ApiVersion) => withoutProvenance(committed(version));

/** The table's operations in a version: their full paths and what vendoring keys them by. */
const tableOf = (version: ApiVersion) => operationsOf(version);
/** The paths of the table's operations, in the order vendoring writes them. */
const tablePaths = (version: ApiVersion): string[] => [
  ...new Set(tableOf(version).map((op) => op.path)),
];

/** An operation the client does not call: made up, so no table entry can ever be it. */
const UNRELATED = (version: ApiVersion) => `/${version}/unrelated/widgets`;

/**
 * The vendored subset grown back into something upstream-like: code samples on every kept
 * operation, plus an unrelated operation with its own tag, security scheme, component chain and
 * code samples, and a component nobody references. Vendoring must strip all of that again.
 */
function upstreamLike(version: ApiVersion): Doc {
  const doc = vendoredSubset(version);
  for (const op of tableOf(version))
    doc.paths[op.path]![op.method.toLowerCase()]!["x-codeSamples"] = CODE_SAMPLES;
  if (tablePaths(version).includes(UNRELATED(version)))
    throw new Error("vendor.test: the made-up unrelated operation is in the table");
  doc.tags.push({ name: `${version}/widgets`, description: "Widgets" });
  doc.paths[UNRELATED(version)] = {
    get: {
      operationId: `${version}/widgets#list`,
      tags: [`${version}/widgets`],
      security: [{ bearer_for_widgets: [] }],
      responses: {
        "200": {
          description: "OK response.",
          content: {
            "application/json": {
              schema: { $ref: "#/components/schemas/ListWidgetsResponseBody" },
            },
          },
        },
      },
      "x-codeSamples": CODE_SAMPLES,
    },
  };
  doc.components.schemas.ListWidgetsResponseBody = {
    type: "array",
    items: { $ref: "#/components/schemas/Widget" },
  };
  doc.components.schemas.Widget = { type: "object", properties: { id: { type: "string" } } };
  doc.components.schemas.UnusedUpstreamThing = { type: "string" };
  doc.components.securitySchemes.bearer_for_widgets = { type: "http", scheme: "bearer" };
  return doc;
}

/** Upstream's own layout: the server URL carries the version and the paths are relative to it. */
function basePathUpstream(version: ApiVersion): Doc {
  const doc = upstreamLike(version);
  doc.servers = [{ url: `https://api.stability.ai/${version}` }];
  doc.paths = Object.fromEntries(
    Object.entries(doc.paths).map(([p, item]) => [p.slice(version.length + 1), item]),
  );
  return doc;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "vendor-test-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A fresh directory per case, so "nothing written" can be checked by listing it. */
async function caseDir(): Promise<string> {
  return mkdtemp(path.join(dir, "case-"));
}

async function writeFixture(where: string, name: string, content: string | Doc): Promise<string> {
  const file = path.join(where, name);
  await writeFile(file, typeof content === "string" ? content : JSON.stringify(content, null, 2));
  return file;
}

const readJson = async (file: string) => JSON.parse(await readFile(file, "utf8")) as Doc;
const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

/** The one-line reason vendorVersion() refuses with (the command prints it after `vendor: `). */
async function refusal(call: Promise<unknown>): Promise<string> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof UpstreamError))
    throw new Error(`expected an UpstreamError, got ${String(error)}`);
  expect(error.message).not.toContain("\n");
  return error.message;
}

describe.for(API_VERSIONS)("vendoring %s", (version) => {
  const ACCOUNT = `/${version}/user/account`;
  const BALANCE = `/${version}/user/balance`;
  const vendor = (upstream: string, out: string) => vendorVersion(version, { upstream, out });

  describe.concurrent("writes", () => {
    it("exactly the table's operations, what they use, and no code samples", async () => {
      const where = await caseDir();
      const upstream = await writeFixture(where, "upstream.json", upstreamLike(version));
      const out = path.join(where, "out.json");
      const result = await vendor(upstream, out);
      const doc = await readJson(out);

      expect(result).toMatchObject({ out, operations: tablePaths(version).length });
      expect(Object.keys(doc.paths)).toEqual(tablePaths(version));
      for (const p of tablePaths(version))
        expect(Object.keys(doc.paths[p]!).sort()).toEqual(
          tableOf(version)
            .filter((op) => op.path === p)
            .map((op) => op.method.toLowerCase())
            .sort(),
        );
      const expected = committed(version);
      // OrganizationMembership is reachable only through AccountResponseBody.
      expect(Object.keys(doc.components.schemas).sort()).toEqual(
        Object.keys(expected.components.schemas).sort(),
      );
      expect(Object.keys(doc.components.schemas)).toContain("OrganizationMembership");
      expect(Object.keys(doc.components.securitySchemes)).toEqual(
        Object.keys(expected.components.securitySchemes),
      );
      expect(doc.tags).toEqual(expected.tags);
      expect(doc.openapi).toBe(expected.openapi);
      expect(doc.info).toEqual(expected.info);
      expect(doc.servers).toEqual([{ url: "https://api.stability.ai" }]);
      expect(JSON.stringify(doc)).not.toMatch(/x-code-?samples/i);
      expect(withoutProvenance(doc)).toEqual(vendoredSubset(version));
    });

    it("the source as given and the sha256 of the exact upstream bytes", async () => {
      const where = await caseDir();
      // Unusual formatting on purpose: the hash is of the bytes, not of the parsed document.
      const upstream = await writeFixture(
        where,
        "upstream.json",
        `${JSON.stringify(upstreamLike(version))}\n\n`,
      );
      const out = path.join(where, "out.json");
      await vendor(upstream, out);
      const { "x-provenance": provenance } = await readJson(out);
      expect(provenance).toMatchObject({
        source: upstream,
        sha256: sha256(await readFile(upstream)),
      });
    });

    it("identical bytes when vendoring the same upstream twice", async () => {
      const where = await caseDir();
      const upstream = await writeFixture(where, "upstream.json", upstreamLike(version));
      const [a, b] = [path.join(where, "a.json"), path.join(where, "b.json")];
      await Promise.all([vendor(upstream, a), vendor(upstream, b)]);
      expect((await readFile(a)).equals(await readFile(b))).toBe(true);
    });

    it("the same paths and components when vendoring its own output", async () => {
      const where = await caseDir();
      const upstream = await writeFixture(where, "upstream.json", upstreamLike(version));
      const [first, second] = [path.join(where, "first.json"), path.join(where, "second.json")];
      await vendor(upstream, first);
      await vendor(first, second);
      const [a, b] = [await readJson(first), await readJson(second)];
      expect(withoutProvenance(b)).toEqual(withoutProvenance(a));
      expect(b["x-provenance"]?.sha256).toBe(sha256(await readFile(first)));
    });

    it("the same subset when the server URL carries the version (upstream's layout)", async () => {
      const where = await caseDir();
      const upstream = await writeFixture(where, "upstream.json", basePathUpstream(version));
      const out = path.join(where, "out.json");
      await vendor(upstream, out);
      const doc = await readJson(out);
      expect(doc.servers).toEqual([{ url: "https://api.stability.ai" }]);
      expect(Object.keys(doc.paths)).toEqual(tablePaths(version));
      expect(withoutProvenance(doc)).toEqual(vendoredSubset(version));
    });

    it("an upstream served over HTTP, recording the URL", async () => {
      const server = await startServer(json(200, basePathUpstream(version)));
      const where = await caseDir();
      const out = path.join(where, "out.json");
      const url = `${server.url}/spec/${version}.json`;
      await vendor(url, out).finally(() => server.close());
      expect(server.received).toMatchObject([{ method: "GET", path: `/spec/${version}.json` }]);
      const doc = await readJson(out);
      expect(doc["x-provenance"]?.source).toBe(url);
      expect(withoutProvenance(doc)).toEqual(vendoredSubset(version));
    });
  });

  describe.concurrent("refuses with one line, writing nothing", () => {
    let notFound: TestServer;
    beforeAll(async () => {
      notFound = await startServer(text(404, "<h1>Not Found</h1>"));
    });
    afterAll(() => notFound.close());

    const refusals: {
      name: string;
      upstream: (where: string) => Promise<string>;
      says: RegExp;
    }[] = [
      {
        name: "a missing file",
        upstream: (where) => Promise.resolve(path.join(where, "no-such-upstream.json")),
        says: /no-such-upstream\.json: cannot read file \(ENOENT\)/,
      },
      {
        name: "invalid JSON",
        upstream: (where) =>
          writeFixture(where, "broken.json", JSON.stringify(upstreamLike(version)).slice(0, 500)),
        says: /broken\.json: not valid JSON/,
      },
      {
        name: "a Swagger 2.0 document",
        upstream: (where) => {
          const { openapi: _openapi, ...rest } = upstreamLike(version);
          return writeFixture(where, "swagger.json", { swagger: "2.0", ...rest });
        },
        says: /not an OpenAPI 3\.x document \(swagger 2\.0\)/,
      },
      {
        name: "an upstream without the balance operation",
        upstream: (where) => {
          const doc = upstreamLike(version);
          delete doc.paths[BALANCE];
          return writeFixture(where, "no-balance.json", doc);
        },
        says: new RegExp(`operation missing: GET /${version}/user/balance$`),
      },
      {
        name: "an HTTP upstream answering 404",
        upstream: () => Promise.resolve(`${notFound.url}/spec.json`),
        says: /spec\.json: HTTP 404/,
      },
      {
        name: "an HTTP upstream refusing the connection",
        upstream: async () => `http://127.0.0.1:${await closedPort()}/spec.json`,
        says: /spec\.json: unreachable \(ECONNREFUSED\)/,
      },
    ];

    for (const { name, upstream, says } of refusals) {
      it(name, async () => {
        const where = await caseDir();
        const source = await upstream(where);
        const before = await readdir(where);
        const out = path.join(where, "out.json");
        expect(await refusal(vendor(source, out))).toMatch(says);
        expect(existsSync(out)).toBe(false);
        // No temp file left beside the target either.
        expect(await readdir(where)).toEqual(before);
      });
    }

    it("an out file in a directory that does not exist", async () => {
      const where = await caseDir();
      const source = await writeFixture(where, "upstream.json", upstreamLike(version));
      const out = path.join(where, "missing-dir", "out.json");
      expect(await refusal(vendor(source, out))).toMatch(/cannot write .*out\.json \(ENOENT\)/);
      expect(await readdir(where)).toEqual(["upstream.json"]);
    });

    it("and leaves an existing out file untouched", async () => {
      // A missing operation is found last, after reading and parsing: the latest point to refuse.
      const where = await caseDir();
      const doc = upstreamLike(version);
      delete doc.paths[ACCOUNT];
      const source = await writeFixture(where, "no-account.json", doc);
      const out = await writeFixture(where, "out.json", "keep me\n");
      const before = (await readdir(where)).sort();
      expect(await refusal(vendor(source, out))).toMatch(
        new RegExp(`operation missing: GET /${version}/user/account$`),
      );
      expect(await readFile(out, "utf8")).toBe("keep me\n");
      expect((await readdir(where)).sort()).toEqual(before);
    });
  });
});

// The command itself: flag handling, what it prints, its exit codes.
describe.concurrent("npm run vendor (scripts/vendor.ts)", () => {
  const vendorCli = (...args: string[]) => runScriptFn(runVendor, args);
  const expectOneLineRefusal = (run: Run, says: RegExp) => {
    expect(run.code).not.toBe(0);
    expect(run.stderr.trimEnd().split("\n")).toEqual([expect.stringMatching(says)]);
    expect(run.stderr).toMatch(/^vendor: /);
  };

  it("reads --upstream alone as v1alpha, printing one line per step", async () => {
    const where = await caseDir();
    const upstream = await writeFixture(where, "upstream.json", upstreamLike("v1alpha"));
    const out = path.join(where, "out.json");
    const run = await vendorCli("--upstream", upstream, "--out", out);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout.trimEnd().split("\n")).toEqual([
      expect.stringMatching(/^vendor: v1alpha: read .*upstream\.json \(sha256 [0-9a-f]{12}…\)$/),
      expect.stringMatching(
        new RegExp(
          `^vendor: v1alpha: wrote .*out\\.json \\(${OPERATION_NAMES.length} operations, schemas: `,
        ),
      ),
    ]);
    expect(withoutProvenance(await readJson(out))).toEqual(vendoredSubset("v1alpha"));
  });

  it("vendors v1 with --api-version v1", async () => {
    const where = await caseDir();
    const upstream = await writeFixture(where, "upstream.json", basePathUpstream("v1"));
    const out = path.join(where, "out.json");
    const run = await vendorCli("--api-version", "v1", "--upstream", upstream, "--out", out);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^vendor: v1: wrote /m);
    expect(withoutProvenance(await readJson(out))).toEqual(vendoredSubset("v1"));
  });

  it("refuses a v1 document given by --upstream alone, pointing to --api-version v1", async () => {
    const where = await caseDir();
    const upstream = await writeFixture(where, "upstream.json", basePathUpstream("v1"));
    const out = path.join(where, "out.json");
    expectOneLineRefusal(
      await vendorCli("--upstream", upstream, "--out", out),
      // Every operation of the table is missing, each named, and the document's version is told.
      new RegExp(
        `operations missing: ${tableOf("v1alpha")
          .map((op) => op.key)
          .join(", ")}; .*use --api-version v1`,
      ),
    );
    expect(await readdir(where)).toEqual(["upstream.json"]);
  });

  it("refuses an unknown --api-version, naming the known ones", async () => {
    expectOneLineRefusal(
      await vendorCli("--api-version", "v2", "--upstream", "x.json"),
      /--api-version must be one of v1alpha, v1, got v2/,
    );
  });

  it("refuses --out for every version at once (exit 2), before reading anything", async () => {
    const run = await vendorCli("--out", path.join(dir, "never.json"));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^vendor: --out needs --api-version/);
    expect(existsSync(path.join(dir, "never.json"))).toBe(false);
  });

  it("exits non-zero with one line for an unreadable upstream", async () => {
    const where = await caseDir();
    const out = path.join(where, "out.json");
    expectOneLineRefusal(
      await vendorCli("--upstream", path.join(where, "missing.json"), "--out", out),
      /missing\.json: cannot read file \(ENOENT\)/,
    );
    expect(await readdir(where)).toEqual([]);
  });
});
