// `npm run vendor` as maintainers run it: scripts/vendor.ts in a child process, reading fixtures
// that each test derives from the committed vendored spec by a named mutation, writing to a temp dir.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  closedPort,
  json,
  runTs,
  startServer,
  text,
  type Run,
  type TestServer,
} from "./helpers/server.ts";

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

const COMMITTED = JSON.parse(
  readFileSync(new URL("../openapi/v1alpha.openapi.json", import.meta.url), "utf8"),
) as Doc;
const ACCOUNT = "/v1alpha/user/account";
const BALANCE = "/v1alpha/user/balance";
const CODE_SAMPLES = [{ lang: "Shell", label: "cURL", source: "curl https://api.stability.ai" }];

/** The committed subset without its provenance: what any good upstream must vendor back to. */
function vendoredSubset(): Doc {
  const { "x-provenance": _provenance, ...doc } = structuredClone(COMMITTED);
  return doc;
}

/**
 * The vendored subset grown back into something upstream-like: code samples on a kept operation,
 * plus an unrelated operation with its own tag, security scheme, component chain and code
 * samples, and a component nobody references. Vendoring must strip all of that again.
 */
function upstreamLike(): Doc {
  const doc = vendoredSubset();
  doc.paths[ACCOUNT]!.get!["x-codeSamples"] = CODE_SAMPLES;
  doc.tags.push({ name: "v1alpha/engines", description: "Engines" });
  doc.paths["/v1alpha/engines/list"] = {
    get: {
      operationId: "v1alpha/engines#list",
      tags: ["v1alpha/engines"],
      security: [{ bearer_for_engines: [] }],
      responses: {
        "200": {
          description: "OK response.",
          content: {
            "application/json": {
              schema: { $ref: "#/components/schemas/ListEnginesResponseBody" },
            },
          },
        },
      },
      "x-codeSamples": CODE_SAMPLES,
    },
  };
  doc.components.schemas.ListEnginesResponseBody = {
    type: "array",
    items: { $ref: "#/components/schemas/Engine" },
  };
  doc.components.schemas.Engine = { type: "object", properties: { id: { type: "string" } } };
  doc.components.schemas.UnusedUpstreamThing = { type: "string" };
  doc.components.securitySchemes.bearer_for_engines = { type: "http", scheme: "bearer" };
  return doc;
}

/** Upstream's own layout: the server URL carries /v1alpha and the paths are relative to it. */
function basePathUpstream(): Doc {
  const doc = upstreamLike();
  doc.servers = [{ url: "https://api.stability.ai/v1alpha" }];
  doc.paths = Object.fromEntries(
    Object.entries(doc.paths).map(([p, item]) => [p.replace(/^\/v1alpha/, ""), item]),
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

const vendor = (upstream: string, out: string) =>
  runTs("scripts/vendor.ts", ["--upstream", upstream, "--out", out]);

const readJson = async (file: string) => JSON.parse(await readFile(file, "utf8")) as Doc;
const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");
const withoutProvenance = ({ "x-provenance": _provenance, ...doc }: Doc) => doc;

// Generous: each case spawns tsx children, and the machine is shared with other suites.
describe.concurrent("npm run vendor", { timeout: 90_000 }, () => {
  it("keeps exactly the two operations, what they use, and no code samples", async () => {
    const where = await caseDir();
    const upstream = await writeFixture(where, "upstream.json", upstreamLike());
    const out = path.join(where, "out.json");
    const run = await vendor(upstream, out);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const doc = await readJson(out);

    expect(Object.keys(doc.paths)).toEqual([ACCOUNT, BALANCE]);
    expect(Object.keys(doc.paths[ACCOUNT]!)).toEqual(["get"]);
    expect(Object.keys(doc.paths[BALANCE]!)).toEqual(["get"]);
    // OrganizationMembership is reachable only through AccountResponseBody.
    expect(Object.keys(doc.components.schemas).sort()).toEqual([
      "AccountResponseBody",
      "BalanceResponseBody",
      "OrganizationMembership",
    ]);
    expect(Object.keys(doc.components.securitySchemes)).toEqual(["api_key_header_Authorization"]);
    expect(doc.tags.map((t) => t.name)).toEqual(["v1alpha/user"]);
    expect(doc.openapi).toBe(COMMITTED.openapi);
    expect(doc.info).toEqual(COMMITTED.info);
    expect(doc.servers).toEqual([{ url: "https://api.stability.ai" }]);
    expect(JSON.stringify(doc)).not.toMatch(/x-code-?samples/i);
    expect(withoutProvenance(doc)).toEqual(vendoredSubset());
  });

  it("records the source as given and the sha256 of the exact upstream bytes", async () => {
    const where = await caseDir();
    // Unusual formatting on purpose: the hash is of the bytes, not of the parsed document.
    const upstream = await writeFixture(
      where,
      "upstream.json",
      `${JSON.stringify(upstreamLike())}\n\n`,
    );
    const out = path.join(where, "out.json");
    expect((await vendor(upstream, out)).code).toBe(0);
    const { "x-provenance": provenance } = await readJson(out);
    expect(provenance).toMatchObject({
      source: upstream,
      sha256: sha256(await readFile(upstream)),
    });
  });

  it("writes identical bytes when vendoring the same upstream twice", async () => {
    const where = await caseDir();
    const upstream = await writeFixture(where, "upstream.json", upstreamLike());
    const [a, b] = [path.join(where, "a.json"), path.join(where, "b.json")];
    const runs = await Promise.all([vendor(upstream, a), vendor(upstream, b)]);
    expect(runs.map((r) => r.code)).toEqual([0, 0]);
    expect((await readFile(a)).equals(await readFile(b))).toBe(true);
  });

  it("reproduces the same paths and components when vendoring its own output", async () => {
    const where = await caseDir();
    const upstream = await writeFixture(where, "upstream.json", upstreamLike());
    const [first, second] = [path.join(where, "first.json"), path.join(where, "second.json")];
    expect((await vendor(upstream, first)).code).toBe(0);
    expect((await vendor(first, second)).code).toBe(0);
    const [a, b] = [await readJson(first), await readJson(second)];
    expect(withoutProvenance(b)).toEqual(withoutProvenance(a));
    expect(b["x-provenance"]?.sha256).toBe(sha256(await readFile(first)));
  });

  it("matches operations by full URL path when the server URL carries the base path", async () => {
    const where = await caseDir();
    const upstream = await writeFixture(where, "upstream.json", basePathUpstream());
    const out = path.join(where, "out.json");
    const run = await vendor(upstream, out);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const doc = await readJson(out);
    expect(doc.servers).toEqual([{ url: "https://api.stability.ai" }]);
    expect(Object.keys(doc.paths)).toEqual([ACCOUNT, BALANCE]);
    expect(withoutProvenance(doc)).toEqual(vendoredSubset());
  });

  it("vendors an upstream served over HTTP, recording the URL", async () => {
    const server = await startServer(json(200, upstreamLike()));
    const where = await caseDir();
    const out = path.join(where, "out.json");
    const url = `${server.url}/spec/v1alpha.json`;
    const run = await vendor(url, out);
    await server.close();
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(server.received).toMatchObject([{ method: "GET", path: "/spec/v1alpha.json" }]);
    const doc = await readJson(out);
    expect(doc["x-provenance"]?.source).toBe(url);
    expect(withoutProvenance(doc)).toEqual(vendoredSubset());
  });

  describe("refusals: one line, non-zero exit, nothing written", () => {
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
          writeFixture(where, "broken.json", JSON.stringify(upstreamLike()).slice(0, 500)),
        says: /broken\.json: not valid JSON/,
      },
      {
        name: "a Swagger 2.0 document",
        upstream: (where) => {
          const { openapi: _openapi, ...rest } = upstreamLike();
          return writeFixture(where, "swagger.json", { swagger: "2.0", ...rest });
        },
        says: /not an OpenAPI 3\.x document \(swagger 2\.0\)/,
      },
      {
        name: "an upstream without the balance operation",
        upstream: (where) => {
          const doc = upstreamLike();
          delete doc.paths[BALANCE];
          return writeFixture(where, "no-balance.json", doc);
        },
        says: /operation missing: GET \/v1alpha\/user\/balance$/m,
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

    const expectOneLineRefusal = (run: Run, says: RegExp) => {
      expect(run.code).not.toBe(0);
      expect(run.stderr.trimEnd().split("\n")).toEqual([expect.stringMatching(says)]);
      expect(run.stderr).toMatch(/^vendor: /);
    };

    for (const { name, upstream, says } of refusals) {
      it(`refuses ${name}, writing nothing`, async () => {
        const where = await caseDir();
        const source = await upstream(where);
        const before = await readdir(where);
        const out = path.join(where, "out.json");
        expectOneLineRefusal(await vendor(source, out), says);
        expect(existsSync(out)).toBe(false);
        // No temp file left beside the target either.
        expect(await readdir(where)).toEqual(before);
      });
    }

    it("refuses an --out in a directory that does not exist, with one line", async () => {
      const where = await caseDir();
      const source = await writeFixture(where, "upstream.json", upstreamLike());
      const out = path.join(where, "missing-dir", "out.json");
      expectOneLineRefusal(await vendor(source, out), /cannot write .*out\.json \(ENOENT\)/);
      expect(await readdir(where)).toEqual(["upstream.json"]);
    });

    it("leaves an existing --out file untouched when refusing", async () => {
      // A missing operation is found last, after reading and parsing: the latest point to refuse.
      const where = await caseDir();
      const doc = upstreamLike();
      delete doc.paths[ACCOUNT];
      const source = await writeFixture(where, "no-account.json", doc);
      const out = await writeFixture(where, "out.json", "keep me\n");
      const before = (await readdir(where)).sort();
      expectOneLineRefusal(
        await vendor(source, out),
        /operation missing: GET \/v1alpha\/user\/account$/m,
      );
      expect(await readFile(out, "utf8")).toBe("keep me\n");
      expect((await readdir(where)).sort()).toEqual(before);
    });
  });
});
