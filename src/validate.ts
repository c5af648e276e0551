// Loaded by the client only when `validateResponses: true`, so the default import never carries it.
import { StabilityValidationError, type RequestTarget } from "./errors.js";
import { validators } from "./generated/validators.js";

interface AjvError {
  instancePath: string;
  keyword: string;
  params: { type?: string; missingProperty?: string };
  message?: string;
}
type Validator = ((data: unknown) => boolean) & { errors?: AjvError[] | null };

/** Throws {@link StabilityValidationError} naming the JSON path that failed, for example `/credits: expected number`. */
export function check(target: RequestTarget, status: number, body: unknown, text: string): void {
  const validate = (validators as Record<string, Validator | undefined>)[
    `${target.method} ${target.path}`
  ];
  if (!validate || validate(body)) return;
  const [first] = validate.errors ?? [];
  if (!first) return;
  const issue =
    first.keyword === "required"
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
  throw new StabilityValidationError(target, status, issue, text);
}
