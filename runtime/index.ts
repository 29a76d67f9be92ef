/**
 * contractgen/runtime: what generated TypeScript code imports at run time. Servers and clients of JSON
 * Schema services (Connect unary JSON over HTTP/1.1), the types of generated validators, and the
 * boundary: PHP-shape guards, policies and validation for servers, clients and queues (docs/runtime.md).
 */
export { Code, ConnectError } from "@connectrpc/connect";
export type { AdmissionLimits } from "./admission.js";
export { Admission } from "./admission.js";
export type { JsonClientOptions } from "./client.js";
export { createJsonClient } from "./client.js";
export type { GuardedTransportOptions } from "./connect-client.js";
export { createGuardedConnectTransport } from "./connect-client.js";
export type { GuardedNodeAdapterOptions, ServerErrorInterceptorOptions } from "./connect-node.js";
export { createGuardedNodeAdapter, serverErrorInterceptor } from "./connect-node.js";
export type {
  Boundary,
  BoundaryLimits,
  BoundaryOptions,
  CheckOptions,
  CheckResult,
  CheckSite,
  ConstraintCheck,
  GuardEvent,
} from "./guard/engine.js";
export { createBoundary, DEFAULT_LIMITS } from "./guard/engine.js";
export type { Violation } from "./guard/errors.js";
export { BoundaryError, isBoundaryError, VIOLATIONS_DETAIL_TYPE } from "./guard/errors.js";
export type { Pitfall, PitfallCode, Policy } from "./guard/pitfalls.js";
export { PITFALL_CODES, PITFALLS } from "./guard/pitfalls.js";
export type { PolicyConfig, PolicyOverrides, Preset } from "./guard/policy.js";
export type { Finding, GuardAction } from "./guard/walk.js";
export type { ServerLimits } from "./harden.js";
export { createContractServer, hardenServer } from "./harden.js";
export type {
  Idempotency,
  JsonCallOptions,
  JsonClient,
  JsonHandlerContext,
  JsonInput,
  JsonMethodDefinition,
  JsonOutput,
  JsonServiceDefinition,
  JsonServiceImpl,
  ServerErrorContext,
  ValidationIssue,
  Validator,
} from "./json-service.js";
export {
  codeFromString,
  codeOfHttpStatus,
  codeToString,
  HTTP_STATUS_OF_CODE,
  REQUEST_ID_HEADER,
} from "./json-service.js";
export type { Limits } from "./limits.js";
export { LIMITS, resolveLimits } from "./limits.js";
export type { GuardMetrics } from "./metrics.js";
export { createGuardMetrics } from "./metrics.js";
export { protoJsonCheck } from "./proto-check.js";
export {
  pointerOf,
  protovalidateCheck,
  protovalidateInterceptor,
  protovalidateViolations,
} from "./protovalidate.js";
export { currentRequestId, requestIdInterceptor, withRequestId } from "./request-id.js";
export { loadWireSchemas } from "./schemas.js";
export type { JsonServerOptions, JsonServiceRegistration } from "./server.js";
export {
  createJsonServiceHandler,
  DEFAULT_SERVER_OPTIONS,
  describeIssues,
  internalError,
  jsonService,
  logServerError,
  validationError,
  writeError,
} from "./server.js";
export { createWireValidators } from "./wire-ajv.js";
