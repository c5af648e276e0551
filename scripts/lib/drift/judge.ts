// The compiler as the judge of type changes. openapi-typescript turns the vendored and the upstream
// subsets into TypeScript in memory (namespaces O and N), and the TypeScript compiler answers each
// question the walker asks: does the new response still fit the client's type (new → old), do the
// parameters the client sends still fit the new ones (old → new)? Both libraries are loaded only
// when a comparison needs them: loading them is most of the time such a check takes.
import { createRequire } from "node:module";
import type { Type, TypeChecker } from "typescript";
import { UpstreamError } from "../upstream/error.ts";
import type { OpenApiDocument } from "../upstream/parse.ts";

/** TypeScript expressions for one place in the old (`O`) and the new (`N`) types. */
export interface Slot {
  old: string;
  new: string;
}

/** One question: is `source` assignable to `target`? `show` is what the message prints. */
export interface Check {
  source: string;
  target: string;
  show?: Slot;
}

export interface Verdict {
  /** The source is assignable to the target: nothing breaks. */
  fits: boolean;
  /** The printed types of `show`, old and new (empty without `show`). */
  old: string;
  new: string;
}

const q = (key: string) => JSON.stringify(key);

/** Builders for slot expressions; every step tolerates a missing key (it becomes `never`). */
export const slots = {
  /** `paths[path][method]` followed by `keys`, in both versions. */
  operation(path: string, method: string, keys: { old: string[]; new: string[] }): Slot {
    const at = (ns: string, rest: string[]) =>
      `At<${ns}.paths, [${[path, method, ...rest].map(q).join(", ")}]>`;
    return { old: at("O", keys.old), new: at("N", keys.new) };
  },
  property(parent: Slot, oldKey: string, newKey = oldKey): Slot {
    return {
      old: `Pr<NonNullable<${parent.old}>, ${q(oldKey)}>`,
      new: `Pr<NonNullable<${parent.new}>, ${q(newKey)}>`,
    };
  },
  items(parent: Slot): Slot {
    return { old: `Item<NonNullable<${parent.old}>>`, new: `Item<NonNullable<${parent.new}>>` };
  },
  /** A parameter group (`header`, `query`, …); `never` (none) becomes `{}`. */
  group(operation: Slot): Slot {
    return { old: `Group<${operation.old}>`, new: `Group<${operation.new}>` };
  },
};

const shown = (slot: Slot): Slot => ({
  old: `Exclude<${slot.old}, undefined>`,
  new: `Exclude<${slot.new}, undefined>`,
});

/** Which way assignability must hold: responses new → old, requests old → new. */
export type Side = "response" | "request";
const direct = (side: Side, s: Slot) => (side === "response" ? [s.new, s.old] : [s.old, s.new]);

export const checks = {
  /** The value, null aside. */
  value(side: Side, slot: Slot): Check {
    const [from, to] = direct(side, slot);
    return { source: `NonNullable<${from}>`, target: `NonNullable<${to}>`, show: shown(slot) };
  },
  /** Whether `null` is still accepted where it now may appear. */
  null(side: Side, slot: Slot): Check {
    const [from, to] = direct(side, slot);
    return {
      source: `Extract<${from}, null>`,
      target: `Exclude<${to}, undefined>`,
      show: shown(slot),
    };
  },
  /** Whether a key is present, optional or required in its parent, whatever its value. */
  presence(side: Side, parent: Slot, oldKey: string, newKey = oldKey): Check {
    const has = {
      old: `Has<NonNullable<${parent.old}>, ${q(oldKey)}>`,
      new: `Has<NonNullable<${parent.new}>, ${q(newKey)}>`,
    };
    const [from, to] = direct(side, has);
    return { source: from!, target: to!, show: shown(slots.property(parent, oldKey, newKey)) };
  },
  /** The whole value, null included. */
  whole(side: Side, slot: Slot): Check {
    const [from, to] = direct(side, slot);
    return { source: from!, target: to!, show: shown(slot) };
  },
};

// Enough of the standard library for openapi-typescript's output and the helpers below; the real
// lib files would cost more to parse than everything else together.
const LIB = `
interface Array<T> { length: number; [n: number]: T; }
interface ReadonlyArray<T> { readonly length: number; readonly [n: number]: T; }
interface Boolean {} interface Function {} interface CallableFunction extends Function {}
interface NewableFunction extends Function {} interface IArguments {} interface Number {}
interface Object {} interface RegExp {} interface String {}
type PropertyKey = string | number | symbol;
type Record<K extends keyof any, T> = { [P in K]: T };
type Partial<T> = { [P in keyof T]?: T[P] };
type Required<T> = { [P in keyof T]-?: T[P] };
type Readonly<T> = { readonly [P in keyof T]: T[P] };
type Pick<T, K extends keyof T> = { [P in K]: T[P] };
type Exclude<T, U> = T extends U ? never : T;
type Extract<T, U> = T extends U ? T : never;
type Omit<T, K extends keyof any> = Pick<T, Exclude<keyof T, K>>;
type NonNullable<T> = T & {};
`;

const HELPERS = `
type Pr<T, K extends PropertyKey> = T extends unknown ? (K extends keyof T ? T[K] : K extends \`\${infer N extends number}\` ? (N extends keyof T ? T[N] : never) : never) : never;
type At<T, P extends readonly PropertyKey[]> = P extends readonly [infer H extends PropertyKey, ...infer R extends PropertyKey[]] ? At<Pr<NonNullable<T>, H>, R> : T;
type Item<T> = T extends readonly (infer U)[] ? U : never;
type Group<T> = [NonNullable<T>] extends [never] ? {} : NonNullable<T>;
type Has<T, K extends PropertyKey> = T extends unknown ? { [P in keyof T as P extends K ? "key" : never]: unknown } : never;
`;

async function typesOf(subset: OpenApiDocument, which: string): Promise<string> {
  // The CommonJS build, as scripts/lib/generate.ts loads it: an ES import would make Node scan
  // typescript.js's 9 MB for export names.
  const { default: openapiTS, astToString } = createRequire(import.meta.url)(
    "openapi-typescript",
  ) as typeof import("openapi-typescript");
  try {
    const ast = await openapiTS(
      structuredClone(subset) as unknown as Parameters<typeof openapiTS>[0],
      { silent: true },
    );
    return astToString(ast);
  } catch (error) {
    // Without types there is no verdict: say so rather than guess a level.
    const reason = (error as Error).message.split("\n")[0];
    throw new UpstreamError(`openapi-typescript cannot generate the ${which} types (${reason})`);
  }
}

/** Answers every check in one program: old and new types, then one pair of aliases per check. */
export async function judge(
  base: OpenApiDocument,
  revision: OpenApiDocument,
  list: readonly Check[],
): Promise<Verdict[]> {
  if (list.length === 0) return [];
  // require(), not import: an ES import makes Node scan typescript.js's 9 MB for export names.
  const ts = createRequire(import.meta.url)("typescript") as typeof import("typescript");
  const [oldTypes, newTypes] = await Promise.all([
    typesOf(base, "vendored"),
    typesOf(revision, "upstream"),
  ]);
  const aliases = list.map(
    (c, i) =>
      `type S${i} = ${c.source};\ntype T${i} = ${c.target};\n` +
      (c.show ? `type A${i} = ${c.show.old};\ntype B${i} = ${c.show.new};\n` : ""),
  );
  const files: Record<string, string> = {
    "lib.d.ts": LIB,
    "check.ts": `${HELPERS}\nnamespace O {\n${oldTypes}\n}\nnamespace N {\n${newTypes}\n}\n${aliases.join("")}`,
  };
  const host: import("typescript").CompilerHost = {
    getSourceFile: (name, languageVersion) => {
      const text = files[name];
      return text === undefined ? undefined : ts.createSourceFile(name, text, languageVersion);
    },
    getDefaultLibFileName: () => "lib.d.ts",
    writeFile: () => undefined,
    getCurrentDirectory: () => "/",
    getDirectories: () => [],
    fileExists: (name) => name in files,
    readFile: (name) => files[name],
    getCanonicalFileName: (name) => name,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => "\n",
  };
  const program = ts.createProgram(
    ["check.ts"],
    { strict: true, noEmit: true, types: [], target: ts.ScriptTarget.ES2022 },
    host,
  );
  const checker = program.getTypeChecker();
  const source = program.getSourceFile("check.ts");
  const types = new Map<string, Type>();
  for (const statement of source?.statements ?? []) {
    if (ts.isTypeAliasDeclaration(statement) && /^[STAB]\d+$/.test(statement.name.text)) {
      types.set(statement.name.text, checker.getTypeFromTypeNode(statement.type));
    }
  }
  return list.map((_c, i) => {
    const s = types.get(`S${i}`);
    const t = types.get(`T${i}`);
    const a = types.get(`A${i}`);
    const b = types.get(`B${i}`);
    const fits = s !== undefined && t !== undefined && checker.isTypeAssignableTo(s, t);
    const old = a ? printType(checker, a) : "";
    return { fits, old, new: b ? printType(checker, b, old.split(" | ")) : "" };
  });
}

/**
 * A type as a maintainer writes it: `number | string` (the members the old type had first, in its
 * order), `boolean` rather than `false | true`, and long object types cut.
 */
export function printType(checker: TypeChecker, type: Type, reference: string[] = []): string {
  const max = 100;
  const cut = (s: string) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);
  if (!type.isUnion()) return cut(checker.typeToString(type));
  let members = type.types.map((t) => checker.typeToString(t));
  if (members.includes("true") && members.includes("false")) {
    members = members.filter((m) => m !== "true" && m !== "false");
    members.splice(0, 0, "boolean");
  }
  const rank = (m: string) => {
    const i = reference.indexOf(m);
    return i === -1 ? reference.length : i;
  };
  members = members
    .map((m, i) => [m, i] as const)
    .sort(([x, i], [y, j]) => rank(x) - rank(y) || i - j)
    .map(([m]) => m);
  return cut(members.join(" | "));
}
