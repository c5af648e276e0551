// A hostile upstream document, read through `npm run vendor`'s one loader: every `$ref` stays in
// the upstream's own folder or origin, every network read is bounded (time, bytes, redirects,
// scheme), YAML aliases are bounded, and only the client's `$ref` closure has to resolve. Each
// case builds its document from the committed v1alpha subset and serves it from 127.0.0.1.
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { IncomingMessage, ServerResponse } from "node:http";
import { stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { extractClientSubset } from "../scripts/lib/upstream/extract.ts";
import { UpstreamError } from "../scripts/lib/upstream/error.ts";
import { parseDocument } from "../scripts/lib/upstream/parse.ts";
import { runVendor } from "../scripts/lib/vendor-cli.ts";
import { vendorVersion, type VendorOptions } from "../scripts/lib/vendor.ts";
import {
  json,
  redirect,
  stall,
  startServer,
  type Behaviour,
  type TestServer,
} from "./helpers/server.ts";
import { runScriptFn } from "./helpers/cli.ts";
import { SUBSET, schemaOf, type Doc } from "./helpers/subset-doc.ts";

/** The committed v1alpha subset as an upstream document (a fresh copy each call). */
const upstreamDoc = (): Doc => {
  const { "x-provenance": _provenance, ...doc } = JSON.parse(SUBSET) as Doc;
  return doc;
};
/** A schema inside the client's closure: the balance body's `credits`. */
const inClosure = (doc: Doc) => schemaOf(doc, "BalanceResponseBody").properties;
const SECRET = "TOP-SECRET-0123456789";

// Tests run concurrently, so servers are closed once at the end, not after each test.
const servers: TestServer[] = [];
const serve = async (...script: Behaviour[]) => {
  const server = await startServer(...script);
  servers.push(server);
  return server;
};
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "hostile-upstream-"));
});
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  await rm(dir, { recursive: true, force: true });
});

/** A case folder holding `secret.json` and `spec/`, the upstream's own folder. */
async function caseDir(): Promise<{ where: string; spec: string; secret: string }> {
  const where = await mkdtemp(path.join(dir, "case-"));
  const spec = path.join(where, "spec");
  await mkdir(spec);
  const secret = path.join(where, "secret.json");
  await writeFile(secret, JSON.stringify({ type: "string", description: SECRET }));
  return { where, spec, secret };
}

/** The UpstreamError `call` rejects with; its message is one line. */
async function refusal(call: Promise<unknown>): Promise<string> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof UpstreamError))
    throw new Error(`expected an UpstreamError, got ${String(error)}`);
  expect(error.message).not.toMatch(/[\n\r]/);
  return error.message;
}

const vendor = (upstream: string, out: string, options: VendorOptions = {}) =>
  vendorVersion("v1alpha", { upstream, out, ...options });

/** Serves `files` by path; anything else is a 404. */
const files =
  (byPath: Record<string, Behaviour>): Behaviour =>
  (req: IncomingMessage, res: ServerResponse) =>
    (byPath[req.url ?? ""] ?? json(404, { error: "not found" }))(req, res);

describe.concurrent("a file upstream's $ref", () => {
  it("to a file in the upstream's folder is inlined into the subset", async () => {
    const { spec } = await caseDir();
    await writeFile(path.join(spec, "credits.json"), JSON.stringify({ type: "number" }));
    const doc = upstreamDoc();
    inClosure(doc).credits = { $ref: "./credits.json" };
    const upstream = path.join(spec, "upstream.json");
    await writeFile(upstream, JSON.stringify(doc));
    const out = path.join(spec, "out.json");
    await vendor(upstream, out);
    expect(JSON.stringify(JSON.parse(await readFile(out, "utf8")))).not.toContain("credits.json");
  });

  for (const [name, ref] of [
    ["a parent folder (../secret.json)", "../secret.json"],
    ["an absolute path", "SECRET_PATH"],
    ["a file: URL", "file://SECRET_PATH"],
  ] as const) {
    it(`to ${name} is refused, naming the ref, and nothing is written`, async () => {
      const { spec, secret } = await caseDir();
      const doc = upstreamDoc();
      const target = ref.replace("SECRET_PATH", secret);
      inClosure(doc).credits = { $ref: target };
      const upstream = path.join(spec, "upstream.json");
      await writeFile(upstream, JSON.stringify(doc));
      const out = path.join(spec, "out.json");
      const message = await refusal(vendor(upstream, out));
      expect(message).toContain(target);
      expect(message).toMatch(/outside|only|refused/);
      expect(message).not.toContain(SECRET);
      expect(await readdir(spec)).toEqual(["upstream.json"]);
    });
  }

  it("through a symbolic link in the folder that leads out of it is refused", async () => {
    const { spec, secret } = await caseDir();
    await symlink(secret, path.join(spec, "link.json"));
    const doc = upstreamDoc();
    inClosure(doc).credits = { $ref: "./link.json" };
    const upstream = path.join(spec, "upstream.json");
    await writeFile(upstream, JSON.stringify(doc));
    const message = await refusal(vendor(upstream, path.join(spec, "out.json")));
    expect(message).toContain("link.json");
    expect(message).not.toContain(SECRET);
  });

  it("to a named pipe in the folder is refused without waiting on it", async () => {
    const { spec } = await caseDir();
    execFileSync("mkfifo", [path.join(spec, "pipe.json")]);
    const doc = upstreamDoc();
    inClosure(doc).credits = { $ref: "./pipe.json" };
    const upstream = path.join(spec, "upstream.json");
    await writeFile(upstream, JSON.stringify(doc));
    expect(await refusal(vendor(upstream, path.join(spec, "out.json")))).toMatch(
      /pipe\.json.*not a regular file/,
    );
  });

  it("outside the client's closure is not read, and vendoring succeeds listing it", async () => {
    const { spec, secret } = await caseDir();
    const doc = upstreamDoc();
    doc.components.schemas.Unrelated = {
      type: "object",
      properties: { leak: { $ref: secret } },
    };
    const upstream = path.join(spec, "upstream.json");
    await writeFile(upstream, JSON.stringify(doc));
    const out = path.join(spec, "out.json");
    await vendor(upstream, out);
    expect(await readFile(out, "utf8")).not.toContain(SECRET);
    const { brokenRefs } = await extractClientSubset(parseDocument(JSON.stringify(doc), upstream), {
      version: "v1alpha",
      location: upstream,
    });
    expect(brokenRefs.map(({ ref, at }) => ({ ref, at }))).toEqual([
      { ref: secret, at: "#/components/schemas/Unrelated/properties/leak" },
    ]);
    expect(brokenRefs[0]?.reason).toMatch(/outside the upstream's folder; nothing read/);
  });
});

describe.concurrent("a URL upstream's $ref", () => {
  it("to the same origin is read with the same limits and inlined", async () => {
    const doc = upstreamDoc();
    inClosure(doc).credits = { $ref: "/parts/credits.json" };
    const server = await serve(
      files({ "/spec.json": json(200, doc), "/parts/credits.json": json(200, { type: "number" }) }),
    );
    const out = path.join((await caseDir()).spec, "out.json");
    await vendor(`${server.url}/spec.json`, out);
    expect(server.received.map((r) => r.path)).toEqual(["/spec.json", "/parts/credits.json"]);
  });

  it("to another origin (another port on loopback) is refused and never fetched", async () => {
    const other = await serve(json(200, { type: "string", description: SECRET }));
    const doc = upstreamDoc();
    inClosure(doc).credits = { $ref: `${other.url}/latest/meta-data` };
    const server = await serve(json(200, doc));
    const message = await refusal(
      vendor(`${server.url}/spec.json`, path.join((await caseDir()).spec, "out.json")),
    );
    expect(message).toContain(`${other.url}/latest/meta-data`);
    expect(message).toMatch(/another origin/);
    expect(other.received).toEqual([]);
  });

  it("that redirects to another origin is refused before the other origin is asked", async () => {
    const other = await serve(json(200, { type: "string", description: SECRET }));
    const doc = upstreamDoc();
    inClosure(doc).credits = { $ref: "/hop" };
    const server = await serve(
      files({ "/spec.json": json(200, doc), "/hop": redirect(`${other.url}/meta`) }),
    );
    const message = await refusal(
      vendor(`${server.url}/spec.json`, path.join((await caseDir()).spec, "out.json")),
    );
    expect(message).toMatch(/redirect.*another origin/);
    expect(other.received).toEqual([]);
  });

  it("to a server that never answers ends at the timeout, like the root", async () => {
    const doc = upstreamDoc();
    inClosure(doc).credits = { $ref: "/stalls.json" };
    const server = await serve(files({ "/spec.json": json(200, doc), "/stalls.json": stall() }));
    const message = await refusal(
      vendor(`${server.url}/spec.json`, path.join((await caseDir()).spec, "out.json"), {
        timeoutMs: 1500, // the root is read under it too: slack for a loaded machine
      }),
    );
    expect(message).toMatch(/stalls\.json.*no complete response within 1500 ms/);
  });

  it("with an endless body ends at the byte cap, counted while streaming", async () => {
    const doc = upstreamDoc();
    inClosure(doc).credits = { $ref: "/endless.json" };
    const server = await serve(files({ "/spec.json": json(200, doc), "/endless.json": endless }));
    const message = await refusal(
      vendor(`${server.url}/spec.json`, path.join((await caseDir()).spec, "out.json"), {
        maxBytes: 256 * 1024,
      }),
    );
    expect(message).toMatch(/endless\.json.*over the 262144-byte cap/);
  });
});

/** A 200 body that never ends (64 KiB chunks, no length), until the client lets go. */
const endless: Behaviour = (_req, res) => {
  res.writeHead(200, { "content-type": "application/json" });
  const chunk = Buffer.alloc(64 * 1024, " ");
  const pump = () => {
    while (!res.destroyed && res.write(chunk));
  };
  res.on("drain", pump);
  pump();
};

describe.concurrent("reading the root document", () => {
  const out = async () => path.join((await caseDir()).spec, "out.json");

  it("stops at the byte cap while streaming an endless body", async () => {
    const server = await serve(endless);
    const message = await refusal(
      vendor(`${server.url}/spec.json`, await out(), { maxBytes: 1024 * 1024 }),
    );
    expect(message).toMatch(/spec\.json: body over the 1048576-byte cap \(--max-bytes/);
  });

  it("refuses a declared length over the cap before reading the body", async () => {
    const server = await serve(
      (_req, res) => void res.writeHead(200, { "content-length": String(2 ** 30) }).write("{"),
    );
    const message = await refusal(
      vendor(`${server.url}/spec.json`, await out(), { maxBytes: 1000 }),
    );
    expect(message).toMatch(/declares 1073741824 bytes, over the 1000-byte cap/);
  });

  it("refuses a file over the cap", async () => {
    const { spec } = await caseDir();
    const upstream = path.join(spec, "upstream.json");
    await writeFile(upstream, `${JSON.stringify(upstreamDoc())}${" ".repeat(4096)}`);
    const message = await refusal(
      vendor(upstream, path.join(spec, "out.json"), { maxBytes: 4096 }),
    );
    expect(message).toMatch(/upstream\.json: file of \d+ bytes, over the 4096-byte cap/);
  });

  it("follows 5 redirects and refuses the 6th", async () => {
    const hops = (n: number) =>
      Array.from({ length: n }, (_, i) => redirect(`/hop-${i + 1}`)).concat(
        json(200, upstreamDoc()),
      );
    const five = await serve(...hops(5));
    await vendor(`${five.url}/spec.json`, await out());
    expect(five.received).toHaveLength(6);
    const six = await serve(...hops(6));
    expect(await refusal(vendor(`${six.url}/spec.json`, await out()))).toMatch(
      /more than 5 redirects/,
    );
    expect(six.received).toHaveLength(6);
  });

  it("refuses a redirect to another scheme", async () => {
    const server = await serve(redirect("file:///etc/passwd"));
    expect(await refusal(vendor(`${server.url}/spec.json`, await out()))).toMatch(
      /file:\/\/\/etc\/passwd: only http\(s\)/,
    );
  });

  it("refuses an upstream URL that is not http(s)", async () => {
    expect(await refusal(vendor("ftp://127.0.0.1/spec.json", await out()))).toMatch(
      /ftp:\/\/127\.0\.0\.1\/spec\.json: only http\(s\)/,
    );
  });
});

describe.concurrent("YAML", () => {
  /** `levels` anchors, each a list of 9 aliases of the one before: 9^levels nodes expanded. */
  const aliasBomb = (levels: number) => {
    let text =
      'openapi: "3.0.3"\ninfo: {title: t, version: "1"}\npaths: {}\nx-a0: &a0 [x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i <= levels; i++)
      text += `x-a${i}: &a${i} [${Array(9)
        .fill(`*a${i - 1}`)
        .join(", ")}]\n`;
    return text;
  };

  it("refuses an alias bomb by the parser's alias limit, before anything expands it", async () => {
    const { spec } = await caseDir();
    const upstream = path.join(spec, "bomb.yaml");
    const bomb = aliasBomb(5); // 59,049 leaves from 400 bytes
    expect(bomb.length).toBeLessThan(500);
    await writeFile(upstream, bomb);
    expect(await refusal(vendor(upstream, path.join(spec, "out.json")))).toMatch(
      /bomb\.yaml: not valid YAML \(.*alias/i,
    );
  });

  it("keeps a few ordinary aliases working", async () => {
    const { spec } = await caseDir();
    const text = `${stringify(upstreamDoc())}x-shared: &shared\n  type: number\nx-use: *shared\n`;
    const upstream = path.join(spec, "aliases.yaml");
    await writeFile(upstream, text);
    await vendor(upstream, path.join(spec, "out.json"));
  });
});

describe.concurrent("$ref cycles and broken references", () => {
  it("vendors a schema cycle inside the document and one across two files", async () => {
    const { spec } = await caseDir();
    const doc = upstreamDoc();
    schemaOf(doc, "OrganizationMembership").properties.parent = {
      $ref: "#/components/schemas/AccountResponseBody",
    };
    inClosure(doc).history = { $ref: "./a.json" };
    await writeFile(
      path.join(spec, "a.json"),
      JSON.stringify({ type: "object", properties: { next: { $ref: "./b.json" } } }),
    );
    await writeFile(
      path.join(spec, "b.json"),
      JSON.stringify({ type: "object", properties: { back: { $ref: "./a.json" } } }),
    );
    const upstream = path.join(spec, "upstream.json");
    await writeFile(upstream, JSON.stringify(doc));
    const out = path.join(spec, "out.json");
    await vendor(upstream, out);
    const vendored = JSON.parse(await readFile(out, "utf8")) as Doc;
    expect(schemaOf(vendored, "OrganizationMembership").properties.parent).toEqual({
      $ref: "#/components/schemas/AccountResponseBody",
    });
    expect(JSON.stringify(vendored)).not.toMatch(/"\$ref":"\.\//);
  });

  it("vendors past a broken reference outside the closure and lists where it stands", async () => {
    const { spec } = await caseDir();
    const doc = upstreamDoc();
    doc.components.schemas.ImageToImage = {
      oneOf: [{ $ref: "#/components/schemas/OrganizationMembership" }],
      discriminator: { propertyName: "mode", mapping: { MASK: "#/components/schemas/Gone" } },
    };
    const upstream = path.join(spec, "upstream.json");
    await writeFile(upstream, JSON.stringify(doc));
    await vendor(upstream, path.join(spec, "out.json"));
    const { brokenRefs } = await extractClientSubset(parseDocument(JSON.stringify(doc), upstream), {
      version: "v1alpha",
      location: upstream,
    });
    expect(brokenRefs.map(({ ref, at }) => ({ ref, at }))).toEqual([
      {
        ref: "#/components/schemas/Gone",
        at: "#/components/schemas/ImageToImage/discriminator/mapping/MASK",
      },
    ]);
  });

  it("refuses a broken reference inside the closure, naming it and where it stands", async () => {
    const { spec } = await caseDir();
    const doc = upstreamDoc();
    inClosure(doc).credits = { $ref: "#/components/schemas/Gone" };
    const upstream = path.join(spec, "upstream.json");
    await writeFile(upstream, JSON.stringify(doc));
    expect(await refusal(vendor(upstream, path.join(spec, "out.json")))).toMatch(
      /\$ref #\/components\/schemas\/Gone at #\/components\/schemas\/BalanceResponseBody\/properties\/credits/,
    );
  });
});

describe.concurrent("npm run vendor on a hostile upstream", () => {
  it("prints one line on stderr, exits 1, and shows no stack", async () => {
    const { spec, secret } = await caseDir();
    const doc = upstreamDoc();
    inClosure(doc).credits = { $ref: secret };
    const upstream = path.join(spec, "upstream.json");
    await writeFile(upstream, JSON.stringify(doc));
    const run = await runScriptFn(runVendor, [
      "--upstream",
      upstream,
      "--out",
      path.join(spec, "o.json"),
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr.trimEnd().split("\n")).toEqual([
      expect.stringMatching(/^vendor: .*secret\.json/),
    ]);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("raises the byte cap with --max-bytes and refuses a bad value", async () => {
    const { spec } = await caseDir();
    const upstream = path.join(spec, "upstream.json");
    await writeFile(upstream, JSON.stringify(upstreamDoc()));
    const out = path.join(spec, "o.json");
    const small = await runScriptFn(runVendor, [
      "--upstream",
      upstream,
      "--out",
      out,
      "--max-bytes",
      "100",
    ]);
    expect(small.code).toBe(1);
    expect(small.stderr).toMatch(/over the 100-byte cap/);
    const bad = await runScriptFn(runVendor, ["--upstream", upstream, "--max-bytes", "lots"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^vendor: --max-bytes must be a positive whole number/);
    const raised = await runScriptFn(runVendor, [
      "--upstream",
      upstream,
      "--out",
      out,
      "--max-bytes",
      String(64 * 1024 * 1024),
    ]);
    expect(raised.stderr).toBe("");
    expect(raised.code).toBe(0);
  });
});
