// Loaded by the client only when `validateResponses: true`, so the default import never carries it.
// It imports no other module of ours, so bundlers keep it (and the generated Ajv code) apart.
import { validators as v1 } from "./generated/v1.validators.js";
import { validators as v1alpha } from "./generated/v1alpha.validators.js";

const validators: Record<string, Validator | undefined> = { ...v1alpha, ...v1 };

interface AjvError {
  instancePath: string;
  keyword: string;
  params: { type?: string; missingProperty?: string };
  message?: string;
}
type Validator = ((data: unknown) => boolean) & { errors?: AjvError[] | null };

/**
 * The first place a 2xx `body` of the operation `key` (`GET /v1/user/balance`) breaks its schema,
 * for example `{ path: "/credits", message: "expected number" }`. A number JSON cannot hold as a
 * double (`1e400` parses as Infinity) breaks it too.
 */
export function findIssue(
  key: string,
  body: unknown,
): { path: string; message: string } | undefined {
  const validate = validators[key];
  if (!validate) return undefined;
  if (validate(body)) return nonFinite(body);
  const [first] = validate.errors ?? [];
  if (!first) return undefined;
  return first.keyword === "required"
    ? {
        path: `${first.instancePath}/${first.params.missingProperty ?? ""}`,
        message: "required property missing",
      }
    : {
        path: first.instancePath || "/",
        message:
          first.keyword === "type"
            ? `expected ${first.params.type ?? "another type"}`
            : (first.message ?? first.keyword),
      };
}

/** The first number in `body` that is not finite; a loop, not recursion, however deep the JSON. */
function nonFinite(body: unknown): { path: string; message: string } | undefined {
  const stack: [string, unknown][] = [["", body]];
  for (let item; (item = stack.pop());) {
    const [path, value] = item;
    if (typeof value === "number" && !Number.isFinite(value))
      return { path: path || "/", message: "expected a finite number" };
    if (value && typeof value === "object")
      for (const [name, child] of Object.entries(value)) stack.push([`${path}/${name}`, child]);
  }
  return undefined;
}
