// Calling an operation once per scope (each --organization, say), each call watched through its
// fetch: the bytes received (for --format json), how many attempts it took, and the last wait the
// server asked for (for the failure line).
import {
  StabilityAbortError,
  StabilityInputError,
  parseRetryAfter,
  type ApiVersion,
  type OperationName,
  type StabilityClient,
} from "../index.js";
import { FORMATTERS, type AnyBody, type CallArgs } from "./commands.js";
import { kindOf, type Outcome } from "./exit.js";
import { failureLine, type Seen } from "./failure.js";
import { mapLimit, pauseGate, type PauseGate } from "./fan-out.js";

/** One call's result: a checked body and the bytes it came in, or a failure and its one line. */
export type Result<N extends OperationName = OperationName> = { scope: string | undefined } & (
  | { body: AnyBody<N>; received: string; outcome: "ok" }
  | { error: unknown; line: string; outcome: Exclude<Outcome, "ok" | "low" | "usage"> }
);

/** A fetch that keeps what one call's attempts saw, and holds the whole run on a 429's wait. */
function watched(fetch: typeof globalThis.fetch, gate: PauseGate) {
  const seen: Seen & { received: string } = { attempts: 0, received: "" };
  let url: string | undefined;
  let chunks: Uint8Array[] = [];
  const watching: typeof globalThis.fetch = async (input, init) => {
    // A retry starts again at the operation's URL; a redirect hop goes elsewhere.
    const target = String(input instanceof Request ? input.url : input);
    url ??= target;
    if (target === url) seen.attempts++;
    const response = await fetch(input, init);
    seen.retryAfterMs = parseRetryAfter(response.headers);
    if (response.status === 429 && seen.retryAfterMs !== undefined) gate.hold(seen.retryAfterMs);
    chunks = [];
    if (!response.body) return response;
    const tap = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        chunks.push(chunk);
        controller.enqueue(chunk);
      },
    });
    return new Response(response.body.pipeThrough(tap), response);
  };
  const received = () => Buffer.concat(chunks).toString("utf8");
  return { fetch: watching, seen, received };
}

type Call = (client: StabilityClient, args: CallArgs<OperationName>) => Promise<unknown>;
const callOf = (name: OperationName) => FORMATTERS[name].call as Call;

export interface Plan {
  name: OperationName;
  /** The call option the scopes go to (`organization`), if any. */
  option: string | undefined;
  scopes: (string | undefined)[];
  /** Scopes read from the server are its data: a refused one is a bad body, not a usage error. */
  fromServer: boolean;
  deadlineMs: number | undefined;
  /** Calls in flight at once (--concurrency). */
  concurrency: number;
}

/**
 * Refuses a bad scope before anything is sent: a call on an aborted signal checks its arguments
 * (throwing StabilityInputError) and then stops, so the run's usage errors come before the network.
 */
export async function probe(client: StabilityClient, plan: Plan): Promise<void> {
  if (plan.fromServer) return;
  const call = callOf(plan.name);
  for (const scope of plan.scopes) {
    const outcome = await call(client, {
      signal: AbortSignal.abort(),
      ...argument(plan, scope),
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    if (!(outcome instanceof StabilityAbortError)) throw outcome;
  }
}

const argument = (plan: Plan, scope: string | undefined) =>
  plan.option && scope !== undefined ? { [plan.option]: scope } : {};

/**
 * Makes the plan's calls, `plan.concurrency` at a time, and returns one result per scope, in order.
 * A 429 with a wait holds back every call not yet started (src/cli/fan-out.ts).
 */
export function runPlan(
  client: StabilityClient,
  fetch: typeof globalThis.fetch,
  plan: Plan,
  signal: AbortSignal | undefined,
  gate: PauseGate = pauseGate(),
): Promise<Result[]> {
  const call = callOf(plan.name);
  return mapLimit(plan.scopes, plan.concurrency, async (scope): Promise<Result> => {
    const watch = watched(fetch, gate);
    try {
      // Past the deadline the call still starts, and stops at once on the aborted signal.
      await gate.passed(signal);
      // The type argument spares tsc inferring W over the client union: 3 s of the type check.
      const body = (await call(client.withOptions<ApiVersion>({ fetch: watch.fetch }), {
        ...(signal ? { signal } : {}),
        ...argument(plan, scope),
      })) as AnyBody<OperationName>;
      return { scope, body, received: watch.received(), outcome: "ok" };
    } catch (error) {
      const kind = kindOf(error);
      if (kind === "usage" && !(plan.fromServer && error instanceof StabilityInputError))
        throw error;
      const line = failureLine(error, watch.seen, plan.deadlineMs, signal);
      return { scope, error, line, outcome: kind === "usage" ? "failed" : kind };
    }
  });
}
