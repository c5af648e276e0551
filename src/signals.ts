// The caller's signal, shared by any number of calls, and the wait between attempts.
import { StabilityAbortError, type RequestTarget } from "./errors.js";

export const aborted = (target: RequestTarget, signal: AbortSignal, during = "") =>
  new StabilityAbortError(`aborted by the caller's signal${during}`, target, {
    cause: signal.reason,
  });

// One "abort" listener per signal, however many calls share it: a listener per call would pass
// Node's limit of 10 and warn (MaxListenersExceededWarning). The last call to finish removes it.
const watchers = new WeakMap<AbortSignal, { calls: Set<() => void>; listener: () => void }>();

/** Calls `onAbort` when `signal` aborts, until the returned function is called. */
export function watch(signal: AbortSignal, onAbort: () => void): () => void {
  let entry = watchers.get(signal);
  if (!entry) {
    const calls = new Set<() => void>();
    entry = { calls, listener: () => calls.forEach((call) => call()) };
    watchers.set(signal, entry);
    signal.addEventListener("abort", entry.listener);
  }
  const { calls, listener } = entry;
  calls.add(onAbort);
  return () => {
    calls.delete(onAbort);
    if (calls.size === 0) {
      signal.removeEventListener("abort", listener);
      watchers.delete(signal);
    }
  };
}

/** Waits `ms`, or rejects with {@link StabilityAbortError} as soon as `signal` aborts. */
export function sleep(
  ms: number,
  signal: AbortSignal | undefined,
  target: RequestTarget,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(aborted(target, signal, " while waiting to retry"));
    const timer = setTimeout(() => {
      unwatch?.();
      resolve();
    }, ms);
    const unwatch =
      signal &&
      watch(signal, () => {
        clearTimeout(timer);
        // Stryker disable next-line OptionalChaining: the listener exists only once unwatch does
        unwatch?.();
        reject(aborted(target, signal, " while waiting to retry"));
      });
  });
}
