// Upstream-like documents derived from the vendored spec by small, named mutations, so every
// fixture says what changed. Tests never read ../shared: the vendored file is the only source.
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { stringifyYaml } from "@redocly/openapi-core";
import { operationPath, operationsOf } from "../../src/operations.ts";

export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const VENDORED_PATH = path.join(REPO_ROOT, "openapi/v1alpha.openapi.json");

export type Spec = Record<string, unknown>;
export type Mutation = (doc: Spec) => void;

/** The object at `value`; a mutation that no longer fits the vendored file fails loudly. */
function obj(value: unknown, where = "value"): Spec {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) return value as Spec;
  throw new Error(`spec-fixtures: ${where} is not an object in the vendored spec`);
}
function list(value: unknown, where = "value"): unknown[] {
  if (Array.isArray(value)) return value;
  throw new Error(`spec-fixtures: ${where} is not a list in the vendored spec`);
}
/** Walks `keys` from `doc`, each step an object. */
export const at = (doc: Spec, ...keys: string[]): Spec =>
  keys.reduce((node, key) => obj(node[key], keys.join(".")), doc);

const vendoredText = readFileSync(VENDORED_PATH, "utf8");

/** A fresh copy of the vendored spec (`x-provenance` included; drift must ignore it). */
export const vendoredSpec = (): Spec => obj(JSON.parse(vendoredText));

const ACCOUNT = operationPath("v1alpha", "account");
const BALANCE = operationPath("v1alpha", "balance");
/** An operation the client does not call: made up, and checked to be outside the table. */
const OTHER = "/v1alpha/unrelated/things";
if (operationsOf("v1alpha").some((op) => (op.path as string) === OTHER))
  throw new Error(`spec-fixtures: ${OTHER} is in the operation table; pick another made-up path`);
export const account = (doc: Spec): Spec => at(doc, "paths", ACCOUNT, "get");
/** Every operation of the table, as the document describes it. */
export const tableOperations = (doc: Spec): Spec[] =>
  operationsOf("v1alpha").map((op) => at(doc, "paths", op.path, op.method.toLowerCase()));
export const balance = (doc: Spec): Spec => at(doc, "paths", BALANCE, "get");
export const schema = (doc: Spec, name: string): Spec => at(doc, "components", "schemas", name);
const property = (doc: Spec, name: string, prop: string) =>
  at(schema(doc, name), "properties", prop);
const schemes = (doc: Spec) => at(doc, "components", "securitySchemes");
const balanceParameters = (doc: Spec) => list(balance(doc).parameters, "balance parameters");
/** A parameter, or the component its `$ref` names (`#/components/parameters/organization`). */
const resolved = (doc: Spec, p: unknown): Spec => {
  const ref = obj(p).$ref;
  return typeof ref === "string" ? at(doc, ...ref.slice(2).split("/")) : obj(p);
};
/**
 * The Organization header balance declares, made balance's own: a `$ref`'d component (which other
 * operations may share) is replaced by a copy, so an edit changes balance alone.
 */
export const organizationHeader = (doc: Spec): Spec => {
  const list = balanceParameters(doc);
  const at = list.findIndex((p) => resolved(doc, p).name === "Organization");
  if (at < 0) throw new Error("spec-fixtures: the Organization header is not in the vendored spec");
  const own = structuredClone(resolved(doc, list[at]));
  list[at] = own;
  return own;
};
/** The name of the one security scheme the client's operations use. */
const schemeName = (doc: Spec): string => {
  const names = Object.keys(schemes(doc));
  if (names.length !== 1) throw new Error("spec-fixtures: expected one security scheme");
  return names[0]!;
};
const json200 = (op: Spec) => at(op, "responses", "200", "content", "application/json");

/** Every key order reversed, recursively: same meaning, different bytes. */
export function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reversedKeys(v)]),
  );
}

/** Every local `$ref` replaced by a copy of its target, and the schemas section dropped. */
const refsInlined: Mutation = (doc) => {
  const resolve = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(resolve);
    if (node === null || typeof node !== "object") return node;
    const ref = (node as Spec).$ref;
    if (typeof ref === "string")
      return resolve(structuredClone(at(doc, ...ref.slice(2).split("/"))));
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, resolve(v)]));
  };
  doc.paths = resolve(doc.paths);
  delete at(doc, "components").schemas;
};

/** Moves `/v1alpha` out of the paths into `servers[0].url`, as Stability's later documents do. */
const basePathInServer: Mutation = (doc) => {
  doc.servers = [{ url: "https://api.stability.ai/v1alpha" }];
  doc.paths = Object.fromEntries(
    Object.entries(at(doc, "paths")).map(([p, item]) => [p.replace(/^\/v1alpha/, ""), item]),
  );
};

/** An operation the client does not use, with its own component and code samples. */
const otherOperationAdded: Mutation = (doc) => {
  at(doc, "components", "schemas").Thing = {
    type: "object",
    properties: { id: { type: "string" }, name: { type: "string" } },
    required: ["id"],
  };
  at(doc, "paths")[OTHER] = {
    get: {
      operationId: "unrelatedThings",
      "x-codeSamples": [{ lang: "Python", source: "print('things')" }],
      responses: {
        "200": {
          description: "OK",
          content: {
            "application/json": {
              schema: { type: "array", items: { $ref: "#/components/schemas/Thing" } },
            },
          },
        },
      },
    },
  };
};

export const mutations = {
  // ── no drift: how an upstream may differ without changing the client's operations ──
  refsInlined,
  codeSamplesAdded: (doc) => {
    balance(doc)["x-codeSamples"] = [{ lang: "Shell", source: "curl https://api.stability.ai" }];
  },
  componentsRenamed: (doc) => {
    const schemas = at(doc, "components", "schemas");
    schemas.Balance = schemas.BalanceResponseBody;
    delete schemas.BalanceResponseBody;
    at(json200(balance(doc)), "schema").$ref = "#/components/schemas/Balance";
  },
  otherOperationAdded,
  otherOperationChanged: (doc) => {
    otherOperationAdded(doc);
    property(doc, "Thing", "id").type = "integer";
    const other = at(doc, "paths", OTHER, "get");
    other.parameters = [
      { in: "header", name: "X-Required", required: true, schema: { type: "string" } },
    ];
    other.security = [];
  },
  basePathInServer,
  basePathV1: (doc) => {
    basePathInServer(doc);
    doc.servers = [{ url: "https://api.stability.ai/v1" }];
  },

  // ── ERR ──
  balanceRemoved: (doc) => {
    delete at(doc, "paths")[BALANCE];
  },
  requiredHeaderAdded: (doc) => {
    balanceParameters(doc).push({
      in: "header",
      name: "Stability-Client-Id",
      required: true,
      schema: { type: "string" },
    });
  },
  organizationHeaderRequired: (doc) => {
    organizationHeader(doc).required = true;
  },
  organizationHeaderInteger: (doc) => {
    at(organizationHeader(doc), "schema").type = "integer";
  },
  accountOkRemoved: (doc) => {
    delete at(account(doc), "responses")["200"];
  },
  accountJsonRemoved: (doc) => {
    const content = at(account(doc), "responses", "200", "content");
    content["text/plain"] = content["application/json"];
    delete content["application/json"];
  },
  creditsRemoved: (doc) => {
    delete at(schema(doc, "BalanceResponseBody"), "properties").credits;
    schema(doc, "BalanceResponseBody").required = [];
  },
  organizationsOptional: (doc) => {
    schema(doc, "AccountResponseBody").required = ["id", "email"];
  },
  creditsString: (doc) => {
    const credits = property(doc, "BalanceResponseBody", "credits");
    credits.type = "string";
    delete credits.format;
  },
  creditsFloat: (doc) => {
    property(doc, "BalanceResponseBody", "credits").format = "float";
  },
  creditsInt32: (doc) => {
    Object.assign(property(doc, "BalanceResponseBody", "credits"), {
      type: "integer",
      format: "int32",
    });
  },
  creditsInt64: (doc) => {
    Object.assign(property(doc, "BalanceResponseBody", "credits"), {
      type: "integer",
      format: "int64",
    });
  },
  emailNullable: (doc) => {
    property(doc, "AccountResponseBody", "email").nullable = true;
  },
  securityRequirementAdded: (doc) => {
    schemes(doc).Bearer = { type: "http", scheme: "bearer" };
    list(balance(doc).security, "balance security").push({ Bearer: [] });
  },
  securityChanged: (doc) => {
    at(schemes(doc), schemeName(doc)).name = "X-Api-Key";
  },

  // ── WARN ──
  organizationHeaderRemoved: (doc) => {
    balance(doc).parameters = [];
  },
  profilePictureRemoved: (doc) => {
    delete at(schema(doc, "AccountResponseBody"), "properties").profile_picture;
  },
  balanceSchemaRemoved: (doc) => {
    delete json200(balance(doc)).schema;
  },
  roleEnum: (doc) => {
    property(doc, "OrganizationMembership", "role").enum = ["MEMBER", "ADMIN"];
  },
  roleEnumValueAdded: (doc) => {
    property(doc, "OrganizationMembership", "role").enum = ["MEMBER", "ADMIN", "OWNER"];
  },
  balanceDeprecated: (doc) => {
    balance(doc).deprecated = true;
  },
  organizationHeaderUuid: (doc) => {
    at(organizationHeader(doc), "schema").format = "uuid";
  },
  creditsDescriptionChanged: (doc) => {
    property(doc, "BalanceResponseBody", "credits").description = "Credits left.";
  },
  serverChanged: (doc) => {
    doc.servers = [{ url: "https://api.example.com" }];
  },
  creditsMaximumAdded: (doc) => {
    property(doc, "BalanceResponseBody", "credits").maximum = 1000;
  },

  // ── INFO ──
  balanceOperationIdRemoved: (doc) => {
    delete balance(doc).operationId;
  },
  balanceBodyOptional: (doc) => {
    balance(doc).requestBody = {
      content: { "application/json": { schema: { type: "object" } } },
    };
  },
  balanceBodyRequired: (doc) => {
    balance(doc).requestBody = {
      required: true,
      content: { "application/json": { schema: { type: "object" } } },
    };
  },
  balanceTagAdded: (doc) => {
    list(balance(doc).tags, "balance tags").push("credits");
  },
  balanceTagRemoved: (doc) => {
    balance(doc).tags = [];
  },
  organizationHeaderWidened: (doc) => {
    organizationHeader(doc).schema = { oneOf: [{ type: "string" }, { type: "integer" }] };
  },
  organizationHeaderLowercase: (doc) => {
    organizationHeader(doc).name = "organization";
  },
  balanceAcceptedDocumented: (doc) => {
    at(balance(doc), "responses")["202"] = { description: "Accepted" };
  },
  accountXmlAdded: (doc) => {
    at(account(doc), "responses", "200", "content")["application/xml"] = {
      schema: { type: "string" },
    };
  },
  balanceJsonCharset: (doc) => {
    const content = at(balance(doc), "responses", "200", "content");
    content["application/json; charset=utf-8"] = content["application/json"];
    delete content["application/json"];
  },
  profilePictureRequired: (doc) => {
    list(schema(doc, "AccountResponseBody").required, "account required").push("profile_picture");
  },
  accountPlanRequired: (doc) => {
    at(schema(doc, "AccountResponseBody"), "properties").plan = { type: "string" };
    list(schema(doc, "AccountResponseBody").required, "account required").push("plan");
  },
  balanceSecurityRemoved: (doc) => {
    balance(doc).security = [];
  },
  infoVersionChanged: (doc) => {
    at(doc, "info").version = "0.2";
  },
  optionalQueryAdded: (doc) => {
    balanceParameters(doc).push({ in: "query", name: "currency", schema: { type: "string" } });
  },
  rateLimitDocumented: (doc) => {
    at(balance(doc), "responses")["429"] = {
      description: "Too many requests",
      content: {
        "application/json": {
          schema: {
            type: "object",
            properties: { id: { type: "string" }, name: { type: "string" } },
            required: ["id", "name"],
          },
        },
      },
    };
  },
  accountPlanAdded: (doc) => {
    at(schema(doc, "AccountResponseBody"), "properties").plan = { type: "string" };
  },
  securitySchemeRenamed: (doc) => {
    const name = schemeName(doc);
    schemes(doc).ApiKeyAuth = schemes(doc)[name];
    delete schemes(doc)[name];
    for (const op of tableOperations(doc)) op.security = [{ ApiKeyAuth: [] }];
  },
  balanceDescriptionChanged: (doc) => {
    balance(doc).description = "Get the credit balance of an account or organization.";
  },
  balanceSummaryChanged: (doc) => {
    balance(doc).summary = "Credit balance";
  },
  creditsExampleChanged: (doc) => {
    property(doc, "BalanceResponseBody", "credits").example = 42;
  },
  balanceOperationIdChanged: (doc) => {
    balance(doc).operationId = "getBalance";
  },
  securityBearer: (doc) => {
    schemes(doc)[schemeName(doc)] = { type: "http", scheme: "bearer" };
  },
  unauthorizedAsProblem: (doc) => {
    const content = at(balance(doc), "responses", "401", "content");
    content["application/problem+json"] = content["application/json"];
    delete content["application/json"];
  },
  organizationHeaderRenamed: (doc) => {
    organizationHeader(doc).name = "X-Organization";
  },
  balanceMovedToUsersMe: (doc) => {
    at(doc, "paths")["/v1alpha/users/me/balance"] = at(doc, "paths")[BALANCE];
    delete at(doc, "paths")[BALANCE];
  },
  /** Every path under /v1beta: a document for a version the client does not speak. */
  basePathV1beta: (doc) => {
    const paths = at(doc, "paths");
    for (const key of Object.keys(paths)) {
      paths[key.replace(/^\/v1alpha/, "/v1beta")] = paths[key];
      delete paths[key];
    }
  },
  /** A self-referencing schema: the comparison must terminate. */
  organizationParentCircular: (doc) => {
    at(schema(doc, "OrganizationMembership"), "properties").parent = {
      $ref: "#/components/schemas/OrganizationMembership",
    };
  },
} satisfies Record<string, Mutation>;

export type MutationName = keyof typeof mutations;

/** The vendored spec with the named mutations applied in order. */
export function mutated(...names: MutationName[]): Spec {
  const doc = vendoredSpec();
  for (const name of names) mutations[name](doc);
  return doc;
}

/** A realistic multi-change drift: credits a string, a required header, a 429, organizations optional. */
export const REALISTIC_DRIFT: MutationName[] = [
  "creditsString",
  "requiredHeaderAdded",
  "rateLimitDocumented",
  "organizationsOptional",
];

export interface FixtureDir {
  dir: string;
  /** Writes a spec (JSON, or YAML when the name ends in .yaml) or raw text, making folders; returns its path. */
  write(name: string, content: Spec | string): Promise<string>;
  remove(): Promise<void>;
}

/** A fresh temporary directory for fixture files; `remove()` it in afterAll. */
export async function fixtureDir(): Promise<FixtureDir> {
  const dir = await mkdtemp(path.join(tmpdir(), "spec-fixtures-"));
  return {
    dir,
    async write(name, content) {
      const file = path.join(dir, name);
      const text =
        typeof content === "string"
          ? content
          : /\.ya?ml$/.test(name)
            ? stringifyYaml(content)
            : `${JSON.stringify(content, null, 2)}\n`;
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, text);
      return file;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
