// The MCP install snippets of the docs, as the clients that read them would: each `mcpServers`
// entry of a JSON block (Claude Desktop's shape, which most clients read) and each
// `claude mcp add` line of a shell block, as the command, arguments and environment they start.
import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { MCP_SDK } from "../../src/mcp.ts";
import { PAGES, blocksOf } from "./docs.ts";

/** A server as an MCP client's configuration names it. */
export interface Entry {
  where: string;
  command: string;
  args: string[];
  env: Record<string, string>;
}

const PACKAGE = JSON.parse(readFileSync("package.json", "utf8")) as { name: string; bin: object };

const blocks = (lang: string) =>
  PAGES.flatMap((page) => blocksOf(page).filter((block) => block.lang === lang));

/** Every `mcpServers` entry of the docs' JSON blocks. */
export const jsonEntries = (): Entry[] =>
  blocks("json").flatMap(({ page, line, code }) =>
    Object.entries(
      (JSON.parse(code) as { mcpServers?: Record<string, Omit<Entry, "where">> }).mcpServers ?? {},
    ).map(([name, entry]) => ({ where: `${page}:${line} mcpServers.${name}`, ...entry })),
  );

/** Every `claude mcp add` line of the docs' shell blocks, as the entry Claude Code would store. */
export const claudeEntries = (): Entry[] =>
  blocks("sh").flatMap(({ page, line: at, code }) =>
    code
      .split("\n")
      .filter((line) => line.startsWith("claude mcp add "))
      .map((line) => {
        const words = line.split(/\s+/).slice(3);
        const env: Record<string, string> = {};
        while (words[0]?.startsWith("-")) {
          const [flag, value = ""] = words.splice(0, 2);
          if (flag === "--env" || flag === "-e")
            env[value.split("=")[0]!] = value.slice(value.indexOf("=") + 1);
          else expect([flag, value], line).toEqual(["--transport", "stdio"]);
        }
        const [name, separator, command = "", ...args] = words;
        expect(separator, line).toBe("--");
        return { where: `${page}:${at} claude mcp add ${name}`, command, args, env };
      }),
  );

/** The docs' entries, each distinct one once (the README's quick start repeats docs/mcp.md's). */
export const snippetEntries = (): Entry[] => {
  const seen = new Set<string>();
  return [...jsonEntries(), ...claudeEntries()].filter(({ command, args, env }) => {
    const key = JSON.stringify([command, args, env]);
    return !seen.has(key) && !!seen.add(key);
  });
};

/**
 * The arguments an entry gives the package's bin, checking that it names the bin: `stability-user`
 * itself, or `npx -y -p <package> -p <sdk> stability-user`, which fetches this package and the SDK.
 */
export function binArgs({ where, command, args }: Entry): string[] {
  const bin = Object.keys(PACKAGE.bin);
  if (command !== "npx") {
    expect([command], where).toEqual(bin);
    return args;
  }
  expect(args.slice(0, 6), where).toEqual(["-y", "-p", PACKAGE.name, "-p", MCP_SDK.name, bin[0]]);
  return args.slice(6);
}
