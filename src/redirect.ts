// Redirects are followed by the client rather than by fetch, so that a loop, a long chain or a
// step down to plain http:// ends with an error that says so, and is never retried.
import { isLoopback } from "./headers.js";

/** The most redirects one attempt follows. */
const MAX_REDIRECTS = 5;

/**
 * Where a redirect from the last of `visited` to `location` leads, and the headers to send there
 * (without `Authorization` once it leaves the origin, as the Fetch standard does); or, as a string,
 * why it is refused, redacted (a server may echo the key in a Location): a loop, more than five
 * redirects, a scheme other than http(s), credentials in the URL, or plain http:// to a host that
 * is neither loopback nor the `baseUrl`'s own origin.
 */
export function nextHop(
  visited: string[],
  location: string,
  headers: Record<string, string>,
  baseUrl: string,
  redact: (text: string) => string,
): { url: string; headers: Record<string, string> } | string {
  const from = new URL(visited.at(-1)!);
  let to: URL;
  try {
    to = new URL(location, from);
  } catch {
    return "redirect to an unreadable location refused";
  }
  // Stryker disable next-line Regex: a URL's protocol is a scheme and one colon, so the $ changes nothing
  if (!/^https?:$/.test(to.protocol)) return redact(`redirect to ${to.protocol} refused`);
  // Fetch would refuse such a URL with an error quoting it; the credentials may be the key.
  if (to.username || to.password) return "redirect to a location with credentials refused";
  if (to.protocol === "http:" && !isLoopback(to.hostname) && to.origin !== new URL(baseUrl).origin)
    return redact(`redirect to plain http://${to.host} refused`);
  if (visited.includes(to.href)) return "redirect loop";
  if (visited.length > MAX_REDIRECTS) return `too many redirects (more than ${MAX_REDIRECTS})`;
  if (to.origin === from.origin) return { url: to.href, headers };
  const { Authorization: _, ...rest } = headers;
  return { url: to.href, headers: rest };
}
