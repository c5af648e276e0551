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
 * for example `{ path: "/credits", message: "expected number" }`.
 */
export function findIssue(
  key: string,
  body: unknown,
): { path: string; message: string } | undefined {
  const validate = validators[key];
  if (!validate || validate(body)) return undefined;
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
