// Schema content from a hostile upstream that becomes code: patterns (checked at vendor time and
// again by generate), inherited names (`constructor`, `toString`, `__proto__` stay data), and
// strings shaped to break out of a comment, a string or a template, in every place a string
// reaches the generated files. Each generated set is compiled with TypeScript and run.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateVersion } from "../scripts/lib/generate.ts";
import { UpstreamError } from "../scripts/lib/upstream/error.ts";
import { vendorVersion } from "../scripts/lib/vendor.ts";
import { runGenerate } from "../scripts/lib/generate-cli.ts";
import { runScriptFn } from "./helpers/cli.ts";
import { SUBSET, schemaOf, type Doc, type Operation, type Schema } from "./helpers/subset-doc.ts";

/** The balance operation of the v1alpha subset. */
const balanceOp = (doc: Doc): Operation => doc.paths["/v1alpha/user/balance"]!.get;
/** The committed v1alpha subset, fresh each call, and its balance body schema. */
const spec = (): Doc => JSON.parse(SUBSET) as Doc;
const balanceBody = (doc: Doc): Schema => schemaOf(doc, "BalanceResponseBody");
const BALANCE = "GET /v1alpha/user/balance";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "hostile-schema-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

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

/** Vendors `doc` as an upstream into a fresh folder; returns the vendored file. */
async function vendored(doc: Doc): Promise<string> {
  const where = await mkdtemp(path.join(dir, "vendor-"));
  const upstream = path.join(where, "upstream.json");
  await writeFile(upstream, JSON.stringify(doc));
  const out = path.join(where, "out.json");
  await vendorVersion("v1alpha", { upstream, out });
  return out;
}

interface Generated {
  dir: string;
  types: string;
  validators: string;
  examples: string;
}

/** Generates v1alpha from the vendored spec `file` into a fresh folder. */
async function generated(file: string): Promise<Generated> {
  const outDir = await mkdtemp(path.join(dir, "generate-"));
  const outputs = await generateVersion("v1alpha", { spec: file, outDir });
  for (const [written, content] of outputs) await writeFile(written, content);
  const [types, validators, examples] = outputs.map(([, content]) => content) as [
    string,
    string,
    string,
  ];
  return { dir: outDir, types, validators, examples };
}

const COMPILER: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  skipLibCheck: true,
  types: [],
};
// TypeScript's own lib files, parsed once for every program below.
const libFiles = new Map<string, ts.SourceFile | undefined>();
const host = ts.createCompilerHost(COMPILER);
const parse = host.getSourceFile.bind(host);
host.getSourceFile = (file, ...rest) => {
  if (!file.includes(`${path.sep}typescript${path.sep}lib${path.sep}`)) return parse(file, ...rest);
  if (!libFiles.has(file)) libFiles.set(file, parse(file, ...rest));
  return libFiles.get(file);
};

/** The TypeScript diagnostics of the generated files, type-checked together (strict). */
function diagnostics({ dir: outDir }: Generated, extra: string[] = []): string[] {
  const program = ts.createProgram(
    ["v1alpha.ts", "v1alpha.validators.ts", "v1alpha.examples.ts", ...extra].map((f) =>
      path.join(outDir, f),
    ),
    COMPILER,
    host,
  );
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
}

/** Transpiles a generated file to JavaScript and imports it. */
type Module = Record<string, unknown>;
async function load(generatedSet: Generated, name: string): Promise<Module> {
  const source = await readFile(path.join(generatedSet.dir, name), "utf8");
  const js = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const file = path.join(generatedSet.dir, `${name}.mjs`);
  await writeFile(file, js.replaceAll('from "./v1alpha.js"', 'from "./v1alpha.ts.mjs"'));
  return (await import(pathToFileURL(file).href)) as Module;
}

type Validator = ((data: unknown) => boolean) & { errors?: { message?: string }[] | null };
const validatorOf = async (set: Generated): Promise<Validator> =>
  ((await load(set, "v1alpha.validators.ts")).validators as Record<string, Validator>)[BALANCE]!;

describe.concurrent("patterns", () => {
  it("vendors a safe pattern", async () => {
    const doc = spec();
    balanceBody(doc).properties.org = { type: "string", pattern: "^org-[a-z0-9]+$" };
    await vendored(doc);
  });

  for (const [name, pattern, says] of [
    ["an invalid pattern", "^org-(", /invalid regular expression/],
    ["a catastrophic pattern", "^(a+)+$", /catastrophic backtracking \(exponential time/],
    ["a pattern that is not a string", 42, /not a string/],
  ] as const) {
    it(`refuses ${name} at vendor time, naming the schema path`, async () => {
      const doc = spec();
      balanceBody(doc).properties.org = { type: "string", pattern };
      expect(await refusal(vendored(doc))).toMatch(
        new RegExp(
          `pattern at #/components/schemas/BalanceResponseBody/properties/org/pattern: ${says.source}`,
        ),
      );
    });
  }

  it("refuses a catastrophic patternProperties key too", async () => {
    const doc = spec();
    balanceBody(doc).patternProperties = { "^(x|x)*y$": { type: "string" } };
    expect(await refusal(vendored(doc))).toMatch(
      /patternProperties\/\^\(x\|x\)\*y\$: catastrophic/,
    );
  });

  it("refuses an invalid pattern in a hand-edited vendored spec at generate, in one line", async () => {
    const doc = spec();
    balanceBody(doc).properties.org = { type: "string", pattern: "^org-(" };
    const file = path.join(dir, "bad-pattern.openapi.json");
    await writeFile(file, JSON.stringify(doc));
    expect(await refusal(generateVersion("v1alpha", { spec: file, outDir: dir }))).toMatch(
      /bad-pattern\.openapi\.json: pattern at #\/components\/schemas\/BalanceResponseBody\/properties\/org\/pattern: invalid/,
    );
    const run = await runScriptFn(runGenerate, [
      "--api-version",
      "v1alpha",
      "--spec",
      file,
      "--out-dir",
      dir,
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr.trimEnd().split("\n")).toEqual([
      expect.stringMatching(/^generate: .*invalid regular expression/),
    ]);
  });

  it("refuses a vendored spec whose $ref leaves the document, before anything reads it", async () => {
    const doc = spec();
    balanceBody(doc).properties.leak = { $ref: "/etc/passwd" };
    const file = path.join(dir, "external-ref.openapi.json");
    await writeFile(file, JSON.stringify(doc));
    expect(await refusal(generateVersion("v1alpha", { spec: file, outDir: dir }))).toMatch(
      /\$ref \/etc\/passwd at #\/components\/schemas\/BalanceResponseBody\/properties\/leak: generate reads only references inside the spec/,
    );
  });
});

describe.concurrent("inherited names stay data", () => {
  it("an optional property named constructor does not reject a body without it", async () => {
    const doc = spec();
    const name: string = "constructor"; // through the index, not Object.prototype's member
    balanceBody(doc).properties[name] = { type: "string" };
    const validate = await validatorOf(await generated(await vendored(doc)));
    expect(validate({ credits: 1 })).toBe(true);
    expect(validate({ credits: 1, constructor: 5 })).toBe(false);
  });

  it("required toString is not met by every object", async () => {
    const doc = spec();
    balanceBody(doc).required = ["credits", "toString"];
    const validate = await validatorOf(await generated(await vendored(doc)));
    expect(validate({ credits: 1 })).toBe(false);
    expect(validate({ credits: 1, toString: "x" })).toBe(true);
  });

  it("a property named __proto__ survives vendoring and reaches types, validators and examples", async () => {
    const doc = JSON.parse(
      SUBSET.replace(
        '"credits": {',
        '"__proto__": {"type": "string", "example": "proto-example"}, "credits": {',
      ),
    ) as Doc;
    delete balanceBody(doc).example;
    for (const item of Object.values(doc.paths))
      delete item.get.responses["200"]!.content["application/json"]!.example;
    const file = await vendored(doc);
    const { properties } = balanceBody(JSON.parse(await readFile(file, "utf8")) as Doc);
    expect(Object.keys(properties)).toContain("__proto__");

    const set = await generated(file);
    expect(set.types).toMatch(/__proto__\?: string;/);
    // Ajv leaves a property named __proto__ unchecked by design (docs/maintaining.md, "An upstream
    // document is untrusted input"); what holds is that such a body neither breaks nor pollutes anything.
    const validate = await validatorOf(set);
    expect(validate(JSON.parse('{"credits": 1, "__proto__": "x"}'))).toBe(true);
    expect(validate({ credits: "1" })).toBe(false);
    expect(({} as Record<string, unknown>).credits).toBeUndefined();
    const { balance } = (await load(set, "v1alpha.examples.ts")).examples as { balance: object };
    expect(Object.keys(balance)).toContain("__proto__");
    expect(Object.getPrototypeOf(balance)).toBe(Object.prototype);
  });
});

// Eleven shapes that end a comment, a string or a template, or start a line or a tag, each around
// code that records it ran.
const ran = (i: number) => `globalThis.__injected = (globalThis.__injected ?? []).concat(${i})`;
const SHAPES: ((code: string) => string)[] = [
  (c) => `*/ ${c}; /*`,
  (c) => `\u2028${c}; //`,
  (c) => `\u2029${c}; //`,
  (c) => `\`; ${c}; \``,
  (c) => `\${${c}}`,
  (c) => `</script><script>${c}</script>`,
  (c) => `"; ${c}; "`,
  (c) => `'; ${c}; '`,
  (c) => `\n${c}; //`,
  (c) => `\\"; ${c}; //`,
  (c) => `\r\n*/ ${c} /*`,
];
const PAYLOADS = SHAPES.map((shape, i) => shape(ran(i)));
/** A pattern that matches the payload literally (syntax characters escaped). */
const literally = (text: string) => text.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&");

describe("strings shaped as code", () => {
  let set: Generated;
  beforeAll(async () => {
    const doc = spec();
    const body = balanceBody(doc);
    const op = balanceOp(doc);
    PAYLOADS.forEach((payload, i) => {
      body.properties[payload] = {
        type: "string",
        title: payload,
        description: payload,
        enum: [payload],
        default: payload,
        example: payload,
        format: payload,
        pattern: literally(payload),
      };
      doc.components.schemas[payload] = { type: "string", description: payload, enum: [payload] };
      // A name in a $ref is a URI fragment: percent-encoded, after JSON-pointer escaping.
      const name = encodeURIComponent(payload.replaceAll("~", "~0").replaceAll("/", "~1"));
      body.properties[`named${i}`] = { $ref: `#/components/schemas/${name}` };
    });
    body.description = PAYLOADS.join(" ");
    delete body.example;
    delete op.responses["200"]!.content["application/json"]!.example;
    op.summary = PAYLOADS.join(" ");
    op.description = PAYLOADS.join(" ");
    op.parameters[0]!.description = PAYLOADS.join(" ");
    set = await generated(await vendored(doc));
  });

  it("compile with TypeScript without a diagnostic", () => {
    expect(diagnostics(set)).toEqual([]);
  });

  it("run nothing when the generated modules are loaded and used", async () => {
    const validate = await validatorOf(set);
    const { examples } = await load(set, "v1alpha.examples.ts");
    await load(set, "v1alpha.ts");
    const body = Object.fromEntries<unknown>([
      ["credits", 1],
      ...PAYLOADS.map((p): [string, string] => [p, p]),
      ...PAYLOADS.map((p, i): [string, string] => [`named${i}`, p]),
    ]);
    expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...body, [PAYLOADS[0]!]: "other" })).toBe(false);
    expect((globalThis as { __injected?: number[] }).__injected).toBeUndefined();
    // And the strings arrive as they were written.
    const { balance } = examples as { balance: Record<string, unknown> };
    for (const payload of PAYLOADS) expect(balance[payload]).toBe(payload);
  });
});

describe.concurrent("examples keep the spec's literal types", () => {
  it("an enum example stays its literal, so a value outside the enum fails to compile", async () => {
    const doc = spec();
    balanceBody(doc).properties.kind = { type: "string", enum: ["PICTURE", "VIDEO"] };
    balanceBody(doc).example = { credits: 1, kind: "PICTURE" };
    delete balanceOp(doc).responses["200"]!.content["application/json"]!.example;
    const good = await generated(await vendored(doc));
    expect(good.examples).toMatch(/satisfies /);
    // What the testing kit does with an example: assign it where the enum's type is expected.
    await writeFile(
      path.join(good.dir, "reads-kind.ts"),
      'import { examples } from "./v1alpha.examples.js";\nexport const kind: "PICTURE" | "VIDEO" = examples.balance.kind;\n',
    );
    expect(diagnostics(good, ["reads-kind.ts"])).toEqual([]);

    balanceBody(doc).example = { credits: 1, kind: "SOUND" };
    const bad = await generated(await vendored(doc));
    expect(diagnostics(bad).join("\n")).toMatch(/"SOUND"/);
  });
});
