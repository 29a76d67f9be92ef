/**
 * contractgen/runtime: what generated TypeScript code imports at run time. Servers and clients of JSON
 * Schema services (Connect unary JSON over HTTP/1.1) and the types of generated validators.
 */
export { Code, ConnectError } from "@connectrpc/connect";
export type { JsonClientOptions } from "./client.js";
export { createJsonClient } from "./client.js";
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
export type { JsonServerOptions, JsonServiceRegistration } from "./server.js";
export {
  createJsonServiceHandler,
  DEFAULT_SERVER_OPTIONS,
  describeIssues,
  jsonService,
  validationError,
  writeError,
} from "./server.js";
