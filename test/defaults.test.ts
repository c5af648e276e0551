// One DEFAULTS object states every default: the library resolves options from it, the CLI's help
// prints it, and the defaults table of docs/library.md must say the same.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  API_VERSIONS,
  DEFAULTS,
  StabilityValidationError,
  createStabilityClient,
} from "../src/index.ts";
import { failure, json, recordingFetch, serverPerTest } from "./helpers/server.ts";

const serve = serverPerTest();

const LIBRARY = readFileSync(new URL("../docs/library.md", import.meta.url), "utf8");

/** The defaults table of docs/library.md: option name → its Default cell. */
function documentedDefaults(): Map<string, string> {
  const section = LIBRARY.split(/^## Defaults/m)[1]?.split(/^#{1,2} /m)[0] ?? "";
  const rows = new Map<string, string>();
  for (const line of section.split("\n")) {
    const cells = line.split("|").map((cell) => cell.trim());
    const name = /^`(\w+)`$/.exec(cells[1] ?? "")?.[1];
    if (name) rows.set(name, cells[2] ?? "");
  }
  return rows;
}

/** How the docs write a default: `2`, `"warn"`, `false`, `{}`. */
function written(value: unknown): string {
  if (typeof value === "string") return `\`${JSON.stringify(value)}\``;
  if (typeof value === "number" || typeof value === "boolean") return `\`${value}\``;
  return "`{}`";
}

describe("DEFAULTS", () => {
  it("is what the defaults table of docs/library.md states, option by option", () => {
    const table = documentedDefaults();
    for (const [name, value] of Object.entries(DEFAULTS)) {
      const cell = table.get(name);
      expect(cell, `docs/library.md has no defaults row for ${name}`).toBeDefined();
      if (name === "apiKeyPrefix") {
        for (const version of API_VERSIONS)
          expect(cell).toContain(`${written(DEFAULTS.apiKeyPrefix[version])} on ${version}`);
      } else {
        expect(cell, name).toContain(written(value));
      }
    }
  });

  it("is what a client sends when given no options but a key", async () => {
    const { fetch, requests } = recordingFetch();
    await createStabilityClient({ apiKey: "sk-defaults", fetch, logLevel: "off" }).balance();
    const [request] = requests;
    expect(request?.url).toBe(`${DEFAULTS.baseUrl}/${DEFAULTS.apiVersion}/user/balance`);
    expect(request?.headers.get("authorization")).toBe(
      [DEFAULTS.apiKeyPrefix[DEFAULTS.apiVersion], "sk-defaults"].filter(Boolean).join(" "),
    );
  });
});

describe("undefined means not given", () => {
  it("for every option with a default, on the client, in withOptions and per call", async () => {
    const { fetch, requests } = recordingFetch();
    const none = Object.fromEntries(Object.keys(DEFAULTS).map((name) => [name, undefined]));
    const client = createStabilityClient({
      ...none,
      apiKey: "sk-defaults",
      fetch,
      logger: undefined,
    });
    await client.withOptions(none).balance({
      organization: undefined,
      signal: undefined,
      maxRetries: undefined,
      timeoutMs: undefined,
      headers: undefined,
    });
    expect(requests.map((r) => r.url)).toEqual([
      `${DEFAULTS.baseUrl}/${DEFAULTS.apiVersion}/user/balance`,
    ]);
    expect(requests[0]?.headers.get("organization")).toBeNull();
  });
});

// A success means the answer was checked: a body off the schema is an error, not a wrong number.
describe("by default a 2xx body is checked against the version's schema", () => {
  it.each([
    ["an empty object", {}, "/credits: required property missing"],
    ["credits as a string", { credits: "lots" }, "/credits: expected number"],
  ])("a balance that is %s is a StabilityValidationError", async (_case, body, where) => {
    const server = await serve(json(200, body));
    const client = createStabilityClient({ apiKey: "sk-defaults", baseUrl: server.url });
    const error = await failure(client.balance());
    expect(error).toBeInstanceOf(StabilityValidationError);
    expect(error.message).toContain(`off-schema at ${where}`);
    // Not retried: the same server would send the same body.
    expect(server.received).toHaveLength(1);
  });

  it.each(API_VERSIONS)("on %s, an account without its organizations is refused", async (v) => {
    const server = await serve(json(200, { id: "u-1", email: "a@example.com" }));
    const client = createStabilityClient({ apiKey: "k", apiVersion: v, baseUrl: server.url });
    expect(await failure(client.account())).toBeInstanceOf(StabilityValidationError);
    expect(server.received.map((r) => r.path)).toEqual([`/${v}/user/account`]);
  });

  it("validateResponses: false returns the body unchecked", async () => {
    const server = await serve(json(200, { credits: "lots" }));
    const client = createStabilityClient({
      apiKey: "sk-defaults",
      baseUrl: server.url,
      validateResponses: false,
    });
    expect(await client.balance()).toEqual({ credits: "lots" });
  });
});
