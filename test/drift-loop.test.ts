// Drift's verdict against the maintainer loop itself. Each edit of Stability's own documents is
// checked both ways: vendored, generated and compiled in a scratch copy of the repository (the
// functions `npm run vendor` and `npm run generate` call, and tsc on its src/), and run through
// `npm run drift` in-process. When the loop fails, drift must say ERR; when drift says ERR, the
// compile must fail or a named wire rule must have fired.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { RULES, type Finding } from "../scripts/lib/drift/index.ts";
import { runDrift } from "../scripts/lib/drift-cli.ts";
import type { ApiVersion } from "../src/index.ts";
import { edited, type EditName } from "./helpers/drift-edits.ts";
import { describeError, scratchRepo, type ScratchRepo } from "./helpers/scratch-repo.ts";

interface Case {
  version: ApiVersion;
  edits: EditName[];
  /** What the report must also say, beyond the two directions every case checks. */
  says?: RegExp[];
  /** Findings (`LEVEL rule`) the report must hold. */
  has?: string[];
}

// Every case the drift issue names, then the maintainer loop's own edits.
const CASES: Record<string, Case> = {
  "a required field added to v1's balance body": {
    version: "v1",
    edits: ["balanceRequiredField"],
    has: ["ERR compile-failed"],
    // The testing kit answers with the spec's example, which lacks the new field.
    says: [/src\/testing\.ts:\d+ TS2322/],
  },
  "Organization renamed X-Organization on v1": {
    version: "v1",
    edits: ["organizationRenamed"],
    has: ["ERR request-parameter-sent-removed", "ERR compile-failed"],
    says: [/the header `Organization` is no longer documented; a new header `X-Organization` is/i],
  },
  "organizations items turned into a oneOf with a discriminator": {
    version: "v1",
    edits: ["organizationsOneOf"],
    has: ["ERR compile-failed"],
  },
  "v1's security scheme changed from apiKey to http bearer (v1 sends Bearer <key>)": {
    version: "v1",
    edits: ["securityBearer"],
    has: ["INFO api-security-changed"],
    says: [/the client sends `Authorization: Bearer <key>`, which meets it/],
  },
  "v1alpha's security scheme changed to http bearer (v1alpha sends the bare key)": {
    version: "v1alpha",
    edits: ["securityBearer"],
    has: ["ERR api-security-not-met"],
    says: [/the client sends `Authorization: <key>`, which meets none of it/],
  },
  "the key moved to another header": {
    version: "v1",
    edits: ["securityOtherHeader"],
    has: ["ERR api-security-not-met"],
  },
  "the media type of v1's 500 response changed": {
    version: "v1",
    edits: ["errorMediaChanged"],
    has: ["INFO response-error-media-type-changed"],
  },
  "the balance body served as text": {
    version: "v1",
    edits: ["successMediaText"],
    has: ["ERR response-media-type-removed"],
  },
  "balance moved to /v1/users/me/balance": {
    version: "v1",
    edits: ["balanceMoved"],
    has: ["ERR api-removed-without-deprecation"],
    says: [/likely moved to GET \/v1\/users\/me\/balance/],
  },
  "a v1beta document checked as v1alpha": {
    version: "v1alpha",
    edits: ["underV1beta"],
    has: ["ERR api-under-other-version"],
    says: [/describes the client's operations under `\/v1beta`/],
  },
  "an operationId renamed": {
    version: "v1",
    edits: ["operationIdRenamed"],
    has: ["WARN exported-type-key-removed"],
    says: [
      /no longer declare operations\["userBalance"\] \(new: operations\["getCreditBalance"\]\)/,
    ],
  },
  "a required header on v1alpha": {
    version: "v1alpha",
    edits: ["requiredHeader"],
    has: ["ERR new-required-request-parameter"],
  },
  "credits a string in v1alpha": {
    version: "v1alpha",
    edits: ["creditsString"],
    has: ["ERR compile-failed"],
  },
  "the account's profile_picture removed in v1": {
    version: "v1",
    edits: ["profilePictureRemoved"],
    has: ["WARN response-optional-property-removed"],
  },
  "a reworded description": {
    version: "v1",
    edits: ["rewordedDescription"],
    has: ["INFO api-description-changed"],
  },
  "balance deprecated": {
    version: "v1alpha",
    edits: ["balanceDeprecated"],
    has: ["WARN endpoint-deprecated"],
  },
  "a broken discriminator mapping outside the client's operations": {
    version: "v1",
    edits: ["brokenMappingElsewhere"],
    has: ["INFO broken-ref-outside-client"],
    says: [
      /"#\/components\/schemas\/Gone" at "#\/components\/schemas\/ImageToImageRequestBody\/discriminator\/mapping\/IMAGE_STRENGTH"/,
    ],
  },
  "a pattern vendor refuses (catastrophic backtracking)": {
    version: "v1alpha",
    edits: ["idPatternCatastrophic"],
    has: ["ERR vendor-refused"],
  },
  "a keyword generate cannot turn into a validator": {
    version: "v1",
    edits: ["emailMaxLength"],
    has: ["ERR generate-refused"],
  },
};

let repo: ScratchRepo;
let upstreams: string;
beforeAll(async () => {
  [repo, upstreams] = await Promise.all([
    scratchRepo(),
    mkdtemp(path.join(tmpdir(), "drift-loop-")),
  ]);
}, 60_000);
afterAll(async () => {
  await Promise.all([repo?.remove(), rm(upstreams, { recursive: true, force: true })]);
});
afterEach(() => repo.restore());

/** vendor, generate, compile in the scratch copy: the first step that fails, or undefined. */
async function loopFailure(version: ApiVersion, file: string): Promise<string | undefined> {
  try {
    await repo.vendor(version, file);
  } catch (error) {
    return `vendor: ${(error as Error).message}`;
  }
  try {
    await repo.generate(version);
  } catch (error) {
    return `generate: ${(error as Error).message}`;
  }
  const errors = repo.compile();
  return errors.length > 0 ? `compile: ${errors.map(describeError).join("; ")}` : undefined;
}

async function driftOf(version: ApiVersion, file: string) {
  let stdout = "";
  const io = { stdout: (t: string) => void (stdout += t), stderr: () => undefined };
  const code = await runDrift(
    ["--api-version", version, "--upstream", file, "--format", "json"],
    io,
  );
  return { code, findings: JSON.parse(stdout) as Finding[] };
}

const WIRE = new Set(
  Object.values(RULES)
    .filter((r) => r.by === "wire")
    .map((r) => r.id),
);

// Each case vendors, generates and compiles twice (drift and the scratch copy): the first compile
// in a process parses the DOM and Node typings.
describe("drift's verdict is the maintainer loop's", () => {
  it("covers at least 15 edits", () => {
    expect(Object.keys(CASES).length).toBeGreaterThanOrEqual(15);
  });

  it.for(Object.entries(CASES))("%s", { timeout: 120_000 }, async ([name, c]) => {
    const file = path.join(upstreams, `${name.replace(/\W+/g, "-")}.json`);
    await writeFile(file, JSON.stringify(edited(c.version, ...c.edits), null, 2));
    const failure = await loopFailure(c.version, file);
    const { code, findings } = await driftOf(c.version, file);
    const errs = findings.filter((f) => f.level === "ERR");

    // The loop fails → drift says ERR (and exits 1).
    if (failure) expect(errs, failure).not.toEqual([]);
    // Drift says ERR → the compile failed, generate refused, or a named wire rule fired.
    for (const f of errs) {
      if (f.id === "compile-failed") expect(failure).toMatch(/^compile: /);
      else if (f.id === "generate-refused") expect(failure).toMatch(/^generate: /);
      else if (f.id === "vendor-refused") expect(failure).toMatch(/^vendor: /);
      else expect(WIRE.has(f.id), f.id).toBe(true);
    }
    // The compile verdict is the scratch copy's: both fail, or neither.
    expect(errs.some((f) => f.id === "compile-failed")).toBe(
      failure?.startsWith("compile: ") ?? false,
    );
    expect(code).toBe(findings.length > 0 ? 1 : 0);

    const present = findings.map((f) => `${f.level} ${f.id}`);
    for (const finding of c.has ?? []) expect(present).toContain(finding);
    for (const pattern of c.says ?? []) {
      expect(findings.map((f) => f.text).join("\n")).toMatch(pattern);
    }
  });
});
