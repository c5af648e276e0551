// How many calls a run makes at once, and the pause a 429 imposes on all of them: Stability allows
// 150 requests in 10 s and shuts a key out for 60 s past that, so a 429's Retry-After holds back
// every call not yet started, not only the one that got it.
import { setTimeout as sleep } from "node:timers/promises";
import { MAX_RETRY_AFTER_MS } from "../index.js";

/**
 * Calls in flight at once by default: n in flight make n / latency requests a second, so four make
 * about 13 at 300 ms, near Stability's 150 in 10 s rather than far past it (docs/cli.md).
 */
export const DEFAULT_CONCURRENCY = 4;
/** The most --concurrency takes: past it the rate limit, not the latency, sets the pace. */
export const MAX_CONCURRENCY = 16;

/** `fn` over `items`, at most `limit` at once, the results in the items' order. */
export async function mapLimit<T, R>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export interface Clock {
  now(): number;
  /** Resolves after `ms`, or at once when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal | undefined): Promise<void>;
}

const REAL: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleep(ms, undefined, { signal }).catch(() => undefined),
};

/** A shared pause: `hold(ms)` after a 429, `passed()` before each call starts. */
export function pauseGate(clock: Clock = REAL) {
  let until = 0;
  return {
    /** Holds every call not yet started for `ms` (at most the 60 s the client would wait). */
    hold(ms: number): void {
      until = Math.max(until, clock.now() + Math.min(ms, MAX_RETRY_AFTER_MS));
    },
    /** Resolves once no pause is in force, or when `signal` aborts (the call then stops at once). */
    async passed(signal?: AbortSignal): Promise<void> {
      while (clock.now() < until && !signal?.aborted)
        await clock.sleep(until - clock.now(), signal);
    },
  };
}
export type PauseGate = ReturnType<typeof pauseGate>;
