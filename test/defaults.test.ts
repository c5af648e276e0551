// One DEFAULTS object states every default: the library resolves options from it, the CLI's help
// prints it, and the README's defaults table must say the same.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { API_VERSIONS, DEFAULTS, createStabilityClient } from "../src/index.ts";
import { recordingFetch } from "./helpers/server.ts";

const README = readFileSync(new URL("../README.md", import.meta.url), "utf8");

/** The README's defaults table: option name → its Default cell. */
function readmeDefaults(): Map<string, string> {
  const section = README.split(/^### Defaults/m)[1]?.split(/^#{2,3} /m)[0] ?? "";
  const rows = new Map<string, string>();
  for (const line of section.split("\n")) {
    const cells = line.split("|").map((cell) => cell.trim());
    const name = /^`(\w+)`$/.exec(cells[1] ?? "")?.[1];
    if (name) rows.set(name, cells[2] ?? "");
  }
  return rows;
}

/** How the README writes a default: `2`, `"warn"`, `false`, `{}`. */
function written(value: unknown): string {
  if (typeof value === "string") return `\`${JSON.stringify(value)}\``;
  if (typeof value === "number" || typeof value === "boolean") return `\`${value}\``;
  return "`{}`";
}

describe("DEFAULTS", () => {
  it("is what the README's defaults table states, option by option", () => {
    const table = readmeDefaults();
    for (const [name, value] of Object.entries(DEFAULTS)) {
      const cell = table.get(name);
      expect(cell, `README has no defaults row for ${name}`).toBeDefined();
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
