// The call options each operation takes, as flags, with what each version's spec says of them
// (src/metadata.ts: whether it is required, what it means).
import { OPERATIONS, type ApiVersion, type OperationName } from "../index.js";
import { callParameters, type CallParameter } from "../metadata.js";

/** `organization` → `--organization`; `someOption` → `--some-option`. */
export const flagOf = (option: string): string =>
  `--${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** A call option of an operation in a version, and the flag it is read from. */
export type FlagParameter = CallParameter & { flag: string };

/** The call options of an operation, with their spec facts in `version`. */
export const parametersOf = (version: ApiVersion, name: OperationName): FlagParameter[] =>
  callParameters(version, name).map((p) => ({ ...p, flag: flagOf(p.option) }));

/** Every call option of every operation: the flags the parser accepts. */
export const PARAMETER_OPTIONS: string[] = [
  ...new Set(Object.values(OPERATIONS).flatMap((operation) => Object.keys(operation.params))),
];

/** The operations that take a call option. */
export const operationsTaking = (option: string): OperationName[] =>
  (Object.keys(OPERATIONS) as OperationName[]).filter((name) =>
    Object.hasOwn(OPERATIONS[name].params, option),
  );
