// The maintainer's loop, as docs/maintaining.md promises it: Stability edits its spec, the maintainer runs
// `npm run vendor` and `npm run generate`, and the compiler says whether src/ still fits. Each case
// edits one of Stability's own documents (the in-repo copies), vendors and generates it in-process
// into a scratch copy of the repository, and compiles that copy's src/ (not the tests).
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { API_VERSIONS, type ApiVersion } from "../src/index.ts";
import {
  OUTPUTS,
  REPO_ROOT,
  describeError,
  scratchRepo,
  type CompileError,
  type ScratchRepo,
} from "./helpers/scratch-repo.ts";

/** Stability's documents the committed files were vendored from (see openapi/upstream/). */
const UPSTREAM: Record<ApiVersion, string> = {
  v1alpha: "openapi/upstream/stability-rest-v1alpha.2023-01.openapi.json",
  v1: "openapi/upstream/stability-rest-v1.2023-03.openapi.json",
};

type Json = Record<string, unknown>;
type Parameter = { $ref?: string; name?: string; in?: string; required?: boolean };
const upstreamOf = (version: ApiVersion): Json =>
  JSON.parse(readFileSync(new URL(`../${UPSTREAM[version]}`, import.meta.url), "utf8")) as Json;

// Edits find what they change the way a reader of either document would (v1 keeps the paths below
// a /v1 server URL and the Organization header in components), and throw if it is not there.
const paths = (doc: Json) => doc.paths as Record<string, Json>;
const pathKey = (doc: Json, suffix: string) => {
  const key = Object.keys(paths(doc)).find((p) => p.endsWith(suffix));
  if (!key) throw new Error(`no path ending in ${suffix}`);
  return key;
};
const balance = (doc: Json) => paths(doc)[pathKey(doc, "/user/balance")]!.get as Json;
const parameters = (doc: Json) => (balance(doc).parameters ??= []) as Parameter[];
const resolve = (doc: Json, p: Parameter): Parameter =>
  p.$ref
    ? ((doc.components as { parameters: Record<string, Parameter> }).parameters[
        p.$ref.split("/").pop()!
      ] ?? {})
    : p;
type Schema = { $ref?: string; properties?: Record<string, Json>; required?: string[] };
const schemas = (doc: Json) => (doc.components as { schemas: Record<string, Schema> }).schemas;
const balanceJson = (doc: Json) =>
  (balance(doc).responses as Record<string, { content: Record<string, { schema: Schema }> }>)[
    "200"
  ]!.content["application/json"]!;
/** The schema of balance's 200 body, wherever the document keeps it. */
const balanceBody = (doc: Json): Schema => {
  const { schema } = balanceJson(doc);
  return schema.$ref ? schemas(doc)[schema.$ref.split("/").pop()!]! : schema;
};

type Edit = (doc: Json) => void;
const EDITS = {
  requiredHeader: (doc) => {
    parameters(doc).push({
      in: "header",
      name: "Stability-Client-Id",
      required: true,
      schema: { type: "string" },
    } as Parameter);
  },
  organizationRemoved: (doc) => {
    const kept = parameters(doc).filter((p) => resolve(doc, p).name !== "Organization");
    if (kept.length === parameters(doc).length) throw new Error("no Organization header");
    balance(doc).parameters = kept;
  },
  organizationRequired: (doc) => {
    const header = parameters(doc).find((p) => resolve(doc, p).name === "Organization");
    if (!header) throw new Error("no Organization header");
    resolve(doc, header).required = true;
  },
  creditsString: (doc) => {
    balanceBody(doc).properties!.credits = { type: "string", description: "Credits, as a decimal" };
  },
  creditsRenamed: (doc) => {
    const body = balanceBody(doc);
    body.properties = { balance: body.properties!.credits! };
    body.required = ["balance"];
  },
  creditsNullable: (doc) => {
    balanceBody(doc).properties!.credits!.nullable = true;
  },
  balanceMoved: (doc) => {
    const key = pathKey(doc, "/user/balance");
    paths(doc)[key.replace(/balance$/, "credits")] = paths(doc)[key]!;
    delete paths(doc)[key];
  },
  optionalHeader: (doc) => {
    parameters(doc).push({
      in: "header",
      name: "Stability-Client-Version",
      required: false,
      schema: { type: "string" },
    } as Parameter);
  },
  newProperty: (doc) => {
    balanceBody(doc).properties!.currency = { type: "string", description: "ISO 4217 code" };
  },
  balanceBodyRenamed: (doc) => {
    schemas(doc).CreditBalance = balanceBody(doc);
    delete schemas(doc).BalanceResponseBody;
    balanceJson(doc).schema = { $ref: "#/components/schemas/CreditBalance" };
  },
  rewordedDescription: (doc) => {
    balance(doc).description = "Reworded: the credits left on the account or organization";
    balanceBody(doc).properties!.credits!.description = "Reworded: credits left, in credits";
  },
} satisfies Record<string, Edit>;
type EditName = keyof typeof EDITS;

let repo: ScratchRepo;
let upstreams: string;
beforeAll(async () => {
  [repo, upstreams] = await Promise.all([
    scratchRepo(),
    mkdtemp(path.join(tmpdir(), "edited-upstream-")),
  ]);
}, 60_000);
afterAll(async () => {
  await Promise.all([repo?.remove(), rm(upstreams, { recursive: true, force: true })]);
});
// Cases share the scratch copy, so they run one after another and each starts from the committed files.
afterEach(() => repo.restore());

/** Writes the edited upstream to a temp dir, vendors and generates it into the scratch copy. */
async function vendorAndGenerate(version: ApiVersion, ...edits: EditName[]) {
  const doc = upstreamOf(version);
  for (const edit of edits) EDITS[edit](doc);
  const file = path.join(upstreams, `${version}-${edits.join("-")}.json`);
  await writeFile(file, JSON.stringify(doc, null, 2));
  await repo.vendor(version, file);
  return repo.generate(version);
}

/** Errors the compiler reports in hand-written src/ (the generated files are not the place to fix anything). */
const inHandWritten = (errors: CompileError[]) =>
  errors.filter((e) => e.file.startsWith(`src${path.sep}`) && !e.file.includes("generated"));

// The first compile parses the DOM and Node typings; later ones reuse them.
const SLOW = { timeout: 60_000 };

describe("the maintainer loop: vendor, generate, compile src/", () => {
  it(
    "reproduces the committed openapi/ and src/generated/ files byte for byte from Stability's documents",
    SLOW,
    async () => {
      // Gone first, so what is compared below is what vendor and generate wrote.
      await Promise.all(OUTPUTS.map((file) => rm(path.join(repo.root, file))));
      for (const version of API_VERSIONS) {
        await repo.vendor(version, UPSTREAM[version]);
        await repo.generate(version);
      }
      expect(OUTPUTS).toHaveLength(5 * API_VERSIONS.length);
      for (const file of OUTPUTS) {
        const [written, committed] = await Promise.all([
          readFile(path.join(repo.root, file)),
          readFile(path.join(REPO_ROOT, file)),
        ]);
        expect(written.equals(committed), file).toBe(true);
      }
    },
  );

  it("compiles the untouched scratch copy without errors (the harness itself works)", SLOW, () => {
    expect(repo.compile().map(describeError)).toEqual([]);
  });

  // Each edit goes into both versions and one compile must report it for each (a compile costs
  // about a second of CPU, so the versions share one).
  // The third entry is what the binding in src/spec.ts says for each version.
  const breaking: [string, EditName, (path: string) => RegExp][] = [
    [
      "a new required header on balance",
      "requiredHeader",
      (path) =>
        new RegExp(
          `GET ${path} requires header Stability-Client-Id, which src/operations.ts does not bind`,
        ),
    ],
    [
      "the Organization header removed",
      "organizationRemoved",
      (path) =>
        new RegExp(`GET ${path} does not declare header Organization, which the client sends`),
    ],
  ];
  it.for(breaking)(
    "%s fails to compile in src/, for each version",
    SLOW,
    async ([, edit, says]) => {
      for (const version of API_VERSIONS) await vendorAndGenerate(version, edit);
      const errors = inHandWritten(repo.compile()).map(describeError).join("\n");
      for (const version of API_VERSIONS) expect(errors).toMatch(says(`/${version}/user/balance`));
    },
  );

  // A required parameter makes that version's argument required: the binding holds, and the
  // calls that may leave it out stop compiling where they are written.
  it(
    "the Organization header made required in v1 alone fails where src/ calls balance() without one",
    SLOW,
    async () => {
      await vendorAndGenerate("v1", "organizationRequired");
      const errors = inHandWritten(repo.compile()).map(describeError);
      expect(errors.join("\n")).not.toMatch(/spec\.ts/);
      expect(errors).toContainEqual(expect.stringMatching(/^src\/cli[^:]*\.ts:\d+ TS2\d+ /));
    },
  );

  // One version changed: shared code reads the field through every version's type, so the
  // compiler stops at each line that reads it, not at a binding file.
  it.for(API_VERSIONS)(
    "credits renamed in %s alone fails to compile where src/ reads it: the CLI and the testing kit",
    SLOW,
    async (version) => {
      await vendorAndGenerate(version, "creditsRenamed");
      const errors = inHandWritten(repo.compile()).map(describeError);
      expect(errors.join("\n")).not.toMatch(/spec\.ts/);
      expect(errors).toContainEqual(
        expect.stringMatching(/^src\/cli[^:]*\.ts:\d+ TS2339 Property 'credits' does not exist/),
      );
      expect(errors).toContainEqual(expect.stringMatching(/^src\/testing\.ts:\d+ TS2\d+ /));
    },
  );

  // With both versions changed alike, the versions still agree: the facade's own use must object.
  it.for<[string, EditName, RegExp]>([
    [
      "a string",
      "creditsString",
      /^src\/cli\/commands\.ts:\d+ TS2322 Type 'string' is not assignable to type 'number'/,
    ],
    [
      "nullable",
      "creditsNullable",
      /^src\/cli\/commands\.ts:\d+ TS2322 Type 'number \| null' is not assignable to type 'number'/,
    ],
  ])(
    "credits made %s in both versions fails where the CLI's formatter reads it as a number",
    SLOW,
    async ([, edit, says]) => {
      for (const version of API_VERSIONS) await vendorAndGenerate(version, edit);
      const errors = inHandWritten(repo.compile()).map(describeError);
      expect(errors).toContainEqual(expect.stringMatching(says));
    },
  );

  describe.for(API_VERSIONS)("%s: a path that no longer exists", (version) => {
    it("is refused by vendor, naming the missing operation, and nothing is written", async () => {
      const before = readFileSync(path.join(repo.root, `openapi/${version}.openapi.json`));
      await expect(vendorAndGenerate(version, "balanceMoved")).rejects.toThrow(
        new RegExp(`operation missing: GET /${version}/user/balance$`),
      );
      expect(readFileSync(path.join(repo.root, `openapi/${version}.openapi.json`))).toEqual(before);
    });
  });

  it("fails to compile in src/ should a spec without the path reach generate", SLOW, async () => {
    // As if the vendored files were edited by hand: the binding, not vendor, must catch it here.
    for (const version of API_VERSIONS) {
      const file = path.join(repo.root, `openapi/${version}.openapi.json`);
      const spec = JSON.parse(readFileSync(file, "utf8")) as { paths: Record<string, unknown> };
      delete spec.paths[`/${version}/user/balance`];
      await writeFile(file, JSON.stringify(spec, null, 2));
      await repo.generate(version);
    }
    const errors = inHandWritten(repo.compile()).map(describeError).join("\n");
    for (const version of API_VERSIONS)
      expect(errors).toMatch(new RegExp(`the spec has no GET /${version}/user/balance`));
  });

  const compatible: [string, EditName, RegExp][] = [
    ["a new optional header on balance", "optionalHeader", /"Stability-Client-Version"\?: string/],
    ["a new response property", "newProperty", /currency\?: string/],
    // The facade names no schema: it reads the operation's 200 body wherever the spec keeps it.
    ["the response schema renamed", "balanceBodyRenamed", /CreditBalance: \{/],
    ["a reworded description", "rewordedDescription", /Reworded: credits left, in credits/],
  ];

  // One compile for every compatible edit in both versions: each would cost a compile of its own.
  it("the compatible edits, all at once in both versions, still compile", SLOW, async () => {
    for (const version of API_VERSIONS) {
      const written = await vendorAndGenerate(version, ...compatible.map(([, edit]) => edit));
      // Each edit reached the generated types, so compiling them proves something.
      for (const [what, , generated] of compatible)
        expect(written[`src/generated/${version}.ts`], `${version}: ${what}`).toMatch(generated);
    }
    expect(repo.compile().map(describeError)).toEqual([]);
  });
});
