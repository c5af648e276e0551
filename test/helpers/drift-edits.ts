// Edits of Stability's own documents (the in-repo copies in openapi/upstream/), for the drift
// check's consistency test: each names what it changes, and throws when the document no longer has
// what it edits. They find things the way a reader of either document would (v1 keeps its paths
// below a /v1 server URL and the Organization header in components).
import { readFileSync } from "node:fs";
import type { ApiVersion } from "../../src/index.ts";
import { PIPELINE } from "../../scripts/lib/pipeline.ts";

export type Json = Record<string, unknown>;

/** The committed copy of a version's default upstream, which its committed files were vendored from. */
export const upstreamOf = (version: ApiVersion): Json =>
  JSON.parse(
    readFileSync(new URL(`../../${PIPELINE[version].upstreamCopy}`, import.meta.url), "utf8"),
  ) as Json;

const obj = (value: unknown, what: string): Json => {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) return value as Json;
  throw new Error(`drift-edits: no ${what}`);
};
const paths = (doc: Json) => obj(doc.paths, "paths");
const pathKey = (doc: Json, suffix: string) => {
  const key = Object.keys(paths(doc)).find((p) => p.endsWith(suffix));
  if (!key) throw new Error(`drift-edits: no path ending in ${suffix}`);
  return key;
};
const get = (doc: Json, suffix: string) =>
  obj(obj(paths(doc)[pathKey(doc, suffix)], suffix).get, `GET ${suffix}`);
const components = (doc: Json, kind: string) =>
  obj(obj(doc.components, "components")[kind], `components.${kind}`);
/** A `$ref`'d node or the node itself. */
const deref = (doc: Json, node: unknown): Json => {
  const n = obj(node, "node");
  if (typeof n.$ref !== "string") return n;
  const [, , kind, name] = n.$ref.split("/");
  return obj(components(doc, kind!)[name!], n.$ref);
};
const json200 = (doc: Json, suffix: string) =>
  obj(
    obj(deref(doc, obj(get(doc, suffix).responses, "responses")["200"]).content, "content")[
      "application/json"
    ],
    "200 application/json",
  );
const body = (doc: Json, suffix: string) => deref(doc, json200(doc, suffix).schema);
const properties = (doc: Json, suffix: string) => obj(body(doc, suffix).properties, "properties");
const organization = (doc: Json) => {
  const list = get(doc, "/user/balance").parameters as unknown[];
  const header = list.map((p) => deref(doc, p)).find((p) => p.name === "Organization");
  if (!header) throw new Error("drift-edits: no Organization header");
  return header;
};
const schemes = (doc: Json) => components(doc, "securitySchemes");

export type Edit = (doc: Json) => void;

export const EDITS = {
  /** A required field added to the balance body. */
  balanceRequiredField: (doc) => {
    const schema = body(doc, "/user/balance");
    obj(schema.properties, "properties").currency = { type: "string" };
    schema.required = [...((schema.required as string[] | undefined) ?? []), "currency"];
  },
  /** `Organization` renamed `X-Organization`. */
  organizationRenamed: (doc) => {
    organization(doc).name = "X-Organization";
  },
  /** `organizations` items turned into a `oneOf` with a discriminator. */
  organizationsOneOf: (doc) => {
    const member = obj(properties(doc, "/user/account").organizations, "organizations").items;
    const memberships = components(doc, "schemas");
    memberships.TeamMembership = {
      type: "object",
      properties: { kind: { type: "string" }, team: { type: "string" } },
      required: ["kind", "team"],
    };
    memberships.OrgMembership = {
      allOf: [member, { type: "object", properties: { kind: { type: "string" } } }],
    };
    obj(properties(doc, "/user/account").organizations, "organizations").items = {
      oneOf: [
        { $ref: "#/components/schemas/OrgMembership" },
        { $ref: "#/components/schemas/TeamMembership" },
      ],
      discriminator: { propertyName: "kind" },
    };
  },
  /** The security scheme changed from `apiKey` to `http` bearer. */
  securityBearer: (doc) => {
    for (const name of Object.keys(schemes(doc))) {
      schemes(doc)[name] = { type: "http", scheme: "bearer" };
    }
  },
  /** The security scheme moved to another header. */
  securityOtherHeader: (doc) => {
    for (const scheme of Object.values(schemes(doc))) obj(scheme, "scheme").name = "X-Api-Key";
  },
  /** The media type of the 500 response changed (v1 documents one). */
  errorMediaChanged: (doc) => {
    const response = obj(components(doc, "responses")["500"], "500 response");
    const content = obj(response.content, "500 content");
    content["application/problem+json"] = content["application/json"];
    delete content["application/json"];
  },
  /** The success body is served as text. */
  successMediaText: (doc) => {
    const content = obj(
      deref(doc, obj(get(doc, "/user/balance").responses, "responses")["200"]).content,
      "content",
    );
    content["text/plain"] = { schema: { type: "string" } };
    delete content["application/json"];
  },
  /** Balance moved to `/users/me/balance`, the operation otherwise the same. */
  balanceMoved: (doc) => {
    const key = pathKey(doc, "/user/balance");
    paths(doc)[key.replace(/\/user\/balance$/, "/users/me/balance")] = paths(doc)[key];
    delete paths(doc)[key];
  },
  /** Every path under `/v1beta`: a document for a version the client does not speak. */
  underV1beta: (doc) => {
    // The version is in the server URL (`https://api.stability.ai/v1alpha`) or in each path.
    const server = (doc.servers as { url: string }[] | undefined)?.[0];
    if (server && /\/v1alpha$/.test(server.url)) {
      server.url = server.url.replace(/\/v1alpha$/, "/v1beta");
      return;
    }
    for (const key of Object.keys(paths(doc))) {
      paths(doc)[key.replace(/^\/v1alpha/, "/v1beta")] = paths(doc)[key];
      delete paths(doc)[key];
    }
  },
  operationIdRenamed: (doc) => {
    get(doc, "/user/balance").operationId = "getCreditBalance";
  },
  requiredHeader: (doc) => {
    (get(doc, "/user/balance").parameters as unknown[]).push({
      in: "header",
      name: "Stability-Client-Id",
      required: true,
      schema: { type: "string" },
    });
  },
  creditsString: (doc) => {
    properties(doc, "/user/balance").credits = { type: "string" };
  },
  profilePictureRemoved: (doc) => {
    delete properties(doc, "/user/account").profile_picture;
  },
  rewordedDescription: (doc) => {
    get(doc, "/user/balance").description = "Reworded: the credits left";
    obj(properties(doc, "/user/balance").credits, "credits").description = "Reworded: credits";
  },
  balanceDeprecated: (doc) => {
    get(doc, "/user/balance").deprecated = true;
  },
  /** A discriminator mapping to a schema that does not exist, far from the client's operations. */
  brokenMappingElsewhere: (doc) => {
    obj(
      components(doc, "schemas").ImageToImageRequestBody,
      "ImageToImageRequestBody",
    ).discriminator = {
      propertyName: "init_image_mode",
      mapping: { IMAGE_STRENGTH: "#/components/schemas/Gone" },
    };
  },
  /** A pattern with catastrophic backtracking, which `npm run vendor` refuses. */
  idPatternCatastrophic: (doc) => {
    obj(properties(doc, "/user/account").id, "id").pattern = "^(a+)+$";
  },
  /** A keyword Ajv's standalone code needs its runtime for, so `npm run generate` refuses it. */
  emailMaxLength: (doc) => {
    obj(properties(doc, "/user/account").email, "email").maxLength = 320;
  },
} satisfies Record<string, Edit>;

export type EditName = keyof typeof EDITS;

export function edited(version: ApiVersion, ...names: EditName[]): Json {
  const doc = upstreamOf(version);
  for (const name of names) EDITS[name](doc);
  return doc;
}
