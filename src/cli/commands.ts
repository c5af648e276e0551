// One formatter per operation: the CLI's subcommands are the operation table's entries, and this
// table must have one for each (a new operation without one fails to compile here). Bodies are
// typed by every version's spec at once, so a field renamed in one version fails where it is read.
import type {
  ApiVersion,
  OPERATIONS,
  OperationName,
  RequestOptions,
  StabilityClient,
} from "../index.js";
import type { Body } from "../spec.js";
import { clean, table } from "./text.js";

/** An operation's 200 body in any API version. */
export type AnyBody<N extends OperationName> = { [V in ApiVersion]: Body<V, N> }[ApiVersion];

/** What the CLI may pass a call: a signal, and each call option as an optional string. */
export type CallArgs<N extends OperationName> = Pick<RequestOptions, "signal"> & {
  [K in keyof (typeof OPERATIONS)[N]["params"]]?: string;
};

interface Formatter<N extends OperationName> {
  /**
   * The call, written out so the compiler checks it against every version's client: an option a
   * version's spec makes required fails to compile here (at run time, src/cli/plan.ts asks for it).
   */
  call(client: StabilityClient, args: CallArgs<N>): Promise<AnyBody<N>>;
  /** One line for --help. */
  summary: string;
  /** The body for a terminal; `scope` is the parameter value the call was made for, if any. */
  text(body: AnyBody<N>, scope: string | undefined): string;
  /** The number --min-credits, `check` and `--format prometheus` read, for operations that have one. */
  figure?: { metric: string; help: string; read(body: AnyBody<N>): number };
}

function formatAccount(account: AnyBody<"account">): string {
  const lines = [`id:     ${clean(account.id)}`, `email:  ${clean(account.email)}`];
  if (account.organizations.length === 0) return [...lines, "organizations: none"].join("\n");
  const rows = account.organizations.map((o) => [
    clean(o.id, 80),
    clean(o.name, 80),
    clean(o.role, 40),
    o.is_default ? "yes" : "no",
  ]);
  return [...lines, "organizations:", table([["ID", "NAME", "ROLE", "DEFAULT"], ...rows])].join(
    "\n",
  );
}

export const FORMATTERS = {
  account: {
    summary: "who owns the API key, and their organizations",
    call: (client, args) => client.account(args),
    text: formatAccount,
  },
  balance: {
    summary: "credit balance of the key owner's default organization (or of --organization)",
    call: (client, args) => client.balance(args),
    text: (balance, organization) =>
      `credits: ${balance.credits}${organization ? ` (organization ${clean(organization)})` : ""}`,
    figure: {
      metric: "stability_credits",
      help: "Credit balance of a Stability AI organization.",
      read: (balance) => balance.credits,
    },
  },
} satisfies { [N in OperationName]: Formatter<N> };

/** The call options `--all-<option>s` fills from another operation's body. */
export const FAN_OUT = {
  organization: {
    flag: "--all-organizations",
    from: "account",
    read: (account: AnyBody<"account">) => account.organizations.map((o) => o.id),
  },
} as const;

/** The operation `check` reads: the one whose formatter has a figure. */
export const CHECKED = "balance" satisfies {
  [N in OperationName]: (typeof FORMATTERS)[N] extends { figure: object } ? N : never;
}[OperationName];
