// The public entry. Named exports only; everything a user needs is listed here.
// Deliberately left out: the engines and generation operations of the v1alpha spec (out of scope),
// the internal option resolution and request loop (reachable only through createStabilityClient),
// and the testing kit, which has its own entry (`stability-user-client/testing`, src/testing.ts).

/**
 * A typed client for Stability AI's user API: `account()` and `balance()` on v1alpha and v1.
 * @module stability-user-client
 */
export {
  createStabilityClient,
  type Account,
  type Balance,
  type CallOptions,
  type ClientBase,
  type HttpInfo,
  type OperationMethods,
  type OrganizationMembership,
  type ResponseBody,
  type StabilityClient,
} from "./client.js";
export {
  AuthenticationError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  StabilityAbortError,
  StabilityApiError,
  StabilityConnectionError,
  StabilityError,
  StabilityInputError,
  StabilityResponseError,
  StabilityTimeoutError,
  StabilityValidationError,
  UnprocessableEntityError,
  errorClassForStatus,
  type ApiErrorBody,
} from "./errors.js";
export {
  DEFAULTS,
  levels,
  type FetchOptions,
  type LogLevel,
  type Logger,
  type RequestOptions,
  type StabilityClientOptions,
} from "./options.js";
export { API_VERSIONS, OPERATIONS, type ApiVersion, type OperationName } from "./operations.js";
export { isRetryable, parseRetryAfter, retryDelay, MAX_RETRY_AFTER_MS } from "./retry.js";
export type { ParamOptions, PathsByVersion, PathsOf, RawPathsOf } from "./spec.js";
export { VERSION } from "./version.js";
// The default version's generated types under their usual names, and each version's as a namespace.
export type { components, operations, paths } from "./generated/v1alpha.js";
export type * as v1alpha from "./generated/v1alpha.js";
export type * as v1 from "./generated/v1.js";
