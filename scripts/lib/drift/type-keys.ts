// The names users can spell in the generated types src/index.ts exports: `operations["userBalance"]`,
// `components["schemas"]["BalanceResponseBody"]`. Renaming an operationId or a schema renames them,
// which compiles in src/ (it reads bodies by path) but breaks a user who wrote the old name.
import { createRequire } from "node:module";

const load = () => createRequire(import.meta.url)("typescript") as typeof import("typescript");

/** Every `operations[…]` and `components[kind][…]` key a generated types file declares. */
export function exportedKeys(typesText: string): Set<string> {
  const ts = load();
  const file = ts.createSourceFile("types.ts", typesText, ts.ScriptTarget.ES2022);
  const keys = new Set<string>();
  const nameOf = (member: import("typescript").TypeElement) =>
    member.name && (ts.isIdentifier(member.name) || ts.isStringLiteral(member.name))
      ? member.name.text
      : undefined;
  for (const statement of file.statements) {
    if (!ts.isInterfaceDeclaration(statement)) continue;
    const top = statement.name.text;
    if (top !== "operations" && top !== "components") continue;
    for (const member of statement.members) {
      const name = nameOf(member);
      if (name === undefined) continue;
      if (top === "operations") {
        keys.add(`operations[${JSON.stringify(name)}]`);
        continue;
      }
      const type = ts.isPropertySignature(member) ? member.type : undefined;
      if (!type || !ts.isTypeLiteralNode(type)) continue;
      for (const inner of type.members) {
        const innerName = nameOf(inner);
        if (innerName !== undefined) {
          keys.add(`components[${JSON.stringify(name)}][${JSON.stringify(innerName)}]`);
        }
      }
    }
  }
  return keys;
}

/** The keys `base` declares and `revision` does not, and the reverse. */
export function keyChanges(base: string, revision: string): { removed: string[]; added: string[] } {
  const [b, r] = [exportedKeys(base), exportedKeys(revision)];
  return {
    removed: [...b].filter((k) => !r.has(k)).sort(),
    added: [...r].filter((k) => !b.has(k)).sort(),
  };
}
