/**
 * The error JSON the Stability API sends with a failure (its `Error` schema). Only `name` and
 * `message` are checked (src/failure.ts); the other fields are typed as the spec describes
 * them but may be absent or of another type.
 * @example { "id": "3F1FKVRR", "name": "bad_request", "message": "Value of ID must be an integer", "temporary": false, "timeout": false, "fault": false }
 */
export interface ApiErrorBody {
  /** The class of error, such as `bad_request` or `unauthorized`. */
  name: string;
  /** A human-readable explanation of this occurrence. */
  message: string;
  /** A unique identifier for this occurrence of the problem. */
  id?: string;
  /** Whether the error is temporary (worth retrying later). */
  temporary?: boolean;
  /** Whether the error is a timeout. */
  timeout?: boolean;
  /** Whether the error is a server-side fault. */
  fault?: boolean;
}

/** Where a request went: the method and the URL path, never headers or the key. */
export interface RequestTarget {
  method: string;
  path: string;
}

/** Base class of every error this package throws; `instanceof StabilityError` catches them all. */
export class StabilityError extends Error {
  override name = "StabilityError";
  /** HTTP method of the request, when the error belongs to one. */
  declare readonly method?: string;
  /** URL path of the request (`/v1alpha/user/balance`), when the error belongs to one. */
  declare readonly path?: string;

  constructor(message: string, target?: RequestTarget, options?: { cause?: unknown }) {
    super(target ? `${target.method} ${target.path}: ${message}` : message, options);
    // Enumerable, so JSON.stringify shows it (inspect shows it in the stack either way).
    Object.defineProperty(this, "message", { enumerable: true });
    Object.assign(this, target);
  }
}

/**
 * The options or arguments cannot make a safe request (no key, CR/LF in a header value, plain
 * `http://`); nothing was sent. `field` names the option or argument at fault.
 * @example err.field === "maxRetries"; err.message === "maxRetries must be a non-negative integer, got 1.5"
 */
export class StabilityInputError extends StabilityError {
  override name = "StabilityInputError";
  /** The option or argument at fault: `maxRetries`, `organization`, `headers.X-Trace`, `apiKey`. */
  declare readonly field: string;
  /** What is wrong with it, without its name (and never its value when that may be secret). */
  declare readonly problem: string;

  constructor(
    field: string,
    problem: string,
    { hint, target }: { hint?: string | undefined; target?: RequestTarget | undefined } = {},
  ) {
    super(`${field} ${problem}${hint ? `; ${hint}` : ""}`, target);
    this.field = field;
    this.problem = problem;
  }
}

/**
 * The API answered with a non-2xx status. Subclasses name the common statuses. The body and
 * headers have the API key redacted; a body over 64 KiB (or `maxResponseBytes`) is cut, and
 * ends with `[cut at N bytes]`.
 */
export class StabilityApiError extends StabilityError {
  override name = "StabilityApiError";
  /** The HTTP status code. */
  declare readonly status: number;
  /** The response headers. */
  declare readonly headers: Headers;
  /** The API's error JSON when the body is that, else the body text (a proxy's HTML page, say), cut at 64 KiB. */
  declare readonly body: ApiErrorBody | string;
  /** The wait the server asked for (`retry-after-ms` or `Retry-After`), in milliseconds. */
  declare readonly retryAfterMs?: number;
  /**
   * The id support asks for: the error JSON's `id`, else an `x-request-id` or `request-id` header.
   * @example err.requestId === "3F1FKVRR"
   */
  declare readonly requestId?: string;

  constructor(
    target: RequestTarget,
    status: number,
    headers: Headers,
    body: ApiErrorBody | string,
    retryAfterMs?: number,
  ) {
    const requestId = requestIdOf(body, headers);
    super(
      `${status} ${describeBody(body)}${requestId ? ` (request id ${requestId})` : ""}`,
      target,
    );
    this.status = status;
    this.headers = headers;
    this.body = body;
    if (retryAfterMs !== undefined) this.retryAfterMs = retryAfterMs;
    if (requestId) this.requestId = requestId;
  }
}

/** The error JSON's `id`, else an `x-request-id` or `request-id` header; "" when there is none. */
function requestIdOf(body: ApiErrorBody | string, headers: Headers): string {
  // A string body has no `id` either: reading one gives undefined.
  const { id } = body as { id?: unknown };
  return (
    (typeof id === "string" && id) || headers.get("x-request-id") || headers.get("request-id") || ""
  );
}

/** 400: the API rejected the request. */
export class BadRequestError extends StabilityApiError {
  override name = "BadRequestError";
}
/** 401: the API key is missing, malformed or unknown. */
export class AuthenticationError extends StabilityApiError {
  override name = "AuthenticationError";
}
/** 403: the key is valid but may not do this (for example, another organization's balance). */
export class PermissionDeniedError extends StabilityApiError {
  override name = "PermissionDeniedError";
}
/** 404: no such resource (or a wrong `baseUrl`). */
export class NotFoundError extends StabilityApiError {
  override name = "NotFoundError";
}
/** 409: the request conflicts with the current state of the resource (retried by default). */
export class ConflictError extends StabilityApiError {
  override name = "ConflictError";
}
/** 422: the API understood the request but cannot process it. */
export class UnprocessableEntityError extends StabilityApiError {
  override name = "UnprocessableEntityError";
}
/** 429: too many requests; `retryAfterMs` says how long the server asked to wait. */
export class RateLimitError extends StabilityApiError {
  override name = "RateLimitError";
}
/** 5xx: the API or a proxy in front of it failed. */
export class InternalServerError extends StabilityApiError {
  override name = "InternalServerError";
}

/**
 * No response came: connection refused or reset, DNS failure, TLS failure. The message names the
 * host; `cause` holds a copy of the platform's error (its chain, with the API key redacted).
 */
export class StabilityConnectionError extends StabilityError {
  override name = "StabilityConnectionError";
}

/** No complete response within `timeoutMs` for one attempt. */
export class StabilityTimeoutError extends StabilityConnectionError {
  override name = "StabilityTimeoutError";
}

/** The caller's `signal` aborted the call; `cause` is the signal's reason. Never retried. */
export class StabilityAbortError extends StabilityError {
  override name = "StabilityAbortError";
}

/**
 * A response that is not what the API promises: a 2xx body that is empty, not JSON, over
 * `maxResponseBytes` or (with `validateResponses`) off-schema; or a redirect that loops, goes on too
 * long or leads to plain `http://` or another scheme. Never retried.
 */
export class StabilityResponseError extends StabilityError {
  override name = "StabilityResponseError";
  /** The HTTP status code. */
  declare readonly status: number;
  /** The body's first 200 characters. */
  declare readonly excerpt: string;

  constructor(
    target: RequestTarget,
    status: number,
    problem: string,
    text: string,
    options?: { cause?: unknown },
  ) {
    const excerpt = text.slice(0, 200);
    super(`${status} ${problem}${text ? `: ${JSON.stringify(excerpt)}` : ""}`, target, options);
    this.status = status;
    this.excerpt = excerpt;
  }
}

/** With `validateResponses: true`: a 2xx JSON body that does not match the vendored schema. */
export class StabilityValidationError extends StabilityResponseError {
  override name = "StabilityValidationError";
  /** The JSON pointer into the body that failed (`/credits`), and what was expected. */
  declare readonly issue: { path: string; message: string };
}

const STATUS_CLASSES: Record<number, typeof StabilityApiError> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  422: UnprocessableEntityError,
  429: RateLimitError,
};

/**
 * Which error class a non-2xx status gets. The one place statuses map to classes.
 * @example errorClassForStatus(429) === RateLimitError; errorClassForStatus(418) === StabilityApiError
 */
export function errorClassForStatus(status: number): typeof StabilityApiError {
  return STATUS_CLASSES[status] ?? (status >= 500 ? InternalServerError : StabilityApiError);
}

function describeBody(body: ApiErrorBody | string): string {
  // One line, short: a proxy's HTML page would otherwise flood a log or a terminal.
  if (typeof body === "string")
    return body.replace(/\s+/g, " ").trim().slice(0, 120) || "(empty body)";
  return `${body.name}: ${body.message}`;
}
