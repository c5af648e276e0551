// check's --warning and --critical in the Monitoring Plugins range syntax, and numbers written the
// way the guidelines' performance data allows (`[-0-9.]`: no exponent).
import { UsageError } from "./args.js";
import { clean } from "./text.js";

/** A decimal number: an optional minus, digits, an optional fraction. No `0x10`, no `1e3`. */
const DECIMAL = String.raw`-?\d+(?:\.\d+)?`;
/** `[@][start:][end]`: groups 1 `@`, 2 start (`~` or a number), 3 the colon, 4 end. */
const RANGE = new RegExp(`^(@)?(?:(~|${DECIMAL})?(:))?(${DECIMAL})?$`);

/** A threshold: alert when the value lies outside start..end (inside it, with `@`). */
export interface Range {
  start: number;
  end: number;
  inside: boolean;
  /** As performance data writes it: the range as given (a bare number as `N:`, see parseRange). */
  perf: string;
}

const EXAMPLES = "such as 100 or 100: (below 100), ~:100 (above 100), 10:20 or @10:20";

/**
 * Reads a range. `10:`, `~:10`, `10:20`, `@10:20` and `:10` mean what the guidelines say. A bare
 * number `N` means `N:` (alert below N), not the guidelines' `0:N`: a balance is watched for
 * running low, and every `--warning 100` written before ranges were accepted keeps its meaning.
 * Performance data carries `N:`, so whatever reads it agrees with the state.
 */
export function parseRange(flag: string, text: string): Range {
  const match = RANGE.exec(text);
  const refuse = (why: string) =>
    new UsageError(`${flag} ${why}, got ${JSON.stringify(clean(text, 40))}`);
  if (!match || text === "") throw refuse(`must be a range ${EXAMPLES}`);
  const [, at, from, colon, to] = match;
  if (!colon) {
    if (to === undefined || at)
      throw refuse(`must be a range ${EXAMPLES}; for @, write @0:N or @N:`);
    return { start: Number(to), end: Infinity, inside: false, perf: `${to}:` };
  }
  const start = from === "~" ? -Infinity : Number(from ?? 0);
  const end = to === undefined ? Infinity : Number(to);
  if (start > end) throw refuse("starts above its end");
  return { start, end, inside: at !== undefined, perf: text };
}

/** Whether a value raises the alert a range describes. */
export const alerts = ({ start, end, inside }: Range, value: number): boolean =>
  inside === (start <= value && value <= end);

/** Why a value alerts, for the status line: `(< 100)`, `(> 10)`, `(@10:20)`. */
export function why(range: Range, value: number): string {
  if (range.inside) return `(${range.perf})`;
  return value < range.start ? `(< ${decimal(range.start)})` : `(> ${decimal(range.end)})`;
}

/** A finite number in plain decimal notation: `1e+21` as `1000000000000000000000`. */
export function decimal(n: number): string {
  const text = String(n);
  const match = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!match) return text;
  const [, sign, first, rest = "", power] = match;
  const digits = `${first}${rest}`;
  const exponent = Number(power);
  // JavaScript uses an exponent from 1e21 up (at most 17 digits) and below 1e-6.
  return exponent > 0
    ? `${sign}${digits.padEnd(exponent + 1, "0")}`
    : `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
}

/** A number flag's value (`--min-credits`, `--timeout-ms`…), decimal only. */
export function decimalOf(flag: string, text: string): number {
  if (!new RegExp(`^${DECIMAL}$`).test(text))
    throw new UsageError(
      `${flag} must be a decimal number, got ${JSON.stringify(clean(text, 40))}`,
    );
  return Number(text);
}
