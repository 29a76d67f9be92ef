import { Code } from "@connectrpc/connect";

/** One violation reported by a validator: where (JSON pointer into the value) and why. */
export interface ValidationIssue {
  readonly instancePath: string;
  readonly keyword: string;
  readonly message?: string | undefined;
  readonly params?: Record<string, unknown>;
}

/** A validator compiled at generation time: a type guard whose `errors` say why a value failed. */
export type Validator<T> = ((value: unknown) => value is T) & {
  errors?: ValidationIssue[] | null | undefined;
  /**
   * `$id` of the wire schema the validator was compiled from with the wire configuration (generated
   * validators, `createWireValidators`): the boundary's one-pass check covers it, so the boundary runs
   * it only for payloads that check does not accept, to say why.
   */
  readonly wireSchema?: string;
};

/** Side effects of a method; `no_side_effects` methods may also be called with HTTP GET. */
export type Idempotency = "unknown" | "idempotent" | "no_side_effects";

/** One unary method of a JSON Schema service, as the generated service module describes it. */
export interface JsonMethodDefinition<I = unknown, O = unknown> {
  /** Method name on the wire (`TrackEvent`). */
  readonly name: string;
  readonly idempotency: Idempotency;
  readonly input: Validator<I>;
  readonly output: Validator<O>;
  /**
   * Full name of the request message (`shop.stats.v1.TrackEventRequest`), whose wire schema the
   * boundary guards; default `<package>.<Method>Request`.
   */
  readonly inputType?: string;
  /** Full name of the response message; default `<package>.<Method>Response`. */
  readonly outputType?: string;
}

/** A JSON Schema service: its full name and its methods keyed by their local (lowerCamel) name. */
export interface JsonServiceDefinition {
  /** `shop.stats.v1.StatsService`. */
  readonly typeName: string;
  readonly methods: { readonly [localName: string]: JsonMethodDefinition<unknown, unknown> };
}

/** Request type of a method. */
export type JsonInput<M> = M extends JsonMethodDefinition<infer I, unknown> ? I : never;
/** Response type of a method. */
export type JsonOutput<M> = M extends JsonMethodDefinition<unknown, infer O> ? O : never;

/** Where an unexpected error happened on a server (JSON Schema or proto), as `onError` receives it. */
export interface ServerErrorContext {
  /** Full service name (`shop.order.v1.OrderService`). */
  readonly service: string;
  /** Method name (`CreateOrder`). */
  readonly method: string;
  /** The request id: read from the `x-request-id` header, or created for this call (and sent back). */
  readonly requestId: string;
}

/** What a handler knows about the call besides its request. */
export interface JsonHandlerContext extends ServerErrorContext {
  /**
   * Aborted when the client goes away before the response was written (reason: a `canceled`
   * ConnectError) or the `Connect-Timeout-Ms` deadline passes (`deadline_exceeded`).
   */
  readonly signal: AbortSignal;
  readonly requestHeader: Headers;
  /** Headers to send with the response. */
  readonly responseHeader: Headers;
  /** Remaining time in milliseconds, when the client sent `Connect-Timeout-Ms`. */
  readonly timeoutMs: number | undefined;
}

/** An implementation of a JSON Schema service: one function per method. */
export type JsonServiceImpl<S extends JsonServiceDefinition> = {
  [K in keyof S["methods"]]: (
    request: JsonInput<S["methods"][K]>,
    context: JsonHandlerContext,
  ) => Promise<JsonOutput<S["methods"][K]>> | JsonOutput<S["methods"][K]>;
};

/** Per-call options of a client method. */
export interface JsonCallOptions {
  readonly signal?: AbortSignal;
  /** Deadline of the call; sent as `Connect-Timeout-Ms` and enforced locally. */
  readonly timeoutMs?: number;
  readonly headers?: ConstructorParameters<typeof Headers>[0];
  /** Request id to send; one is created when absent. */
  readonly requestId?: string;
}

/** A typed client of a JSON Schema service: one async function per method. */
export type JsonClient<S extends JsonServiceDefinition> = {
  [K in keyof S["methods"]]: (
    request: JsonInput<S["methods"][K]>,
    options?: JsonCallOptions,
  ) => Promise<JsonOutput<S["methods"][K]>>;
};

/** HTTP status for each Connect code (connectrpc.com/docs/protocol#error-codes). */
export const HTTP_STATUS_OF_CODE: Readonly<Record<Code, number>> = {
  [Code.Canceled]: 499,
  [Code.Unknown]: 500,
  [Code.InvalidArgument]: 400,
  [Code.DeadlineExceeded]: 504,
  [Code.NotFound]: 404,
  [Code.AlreadyExists]: 409,
  [Code.PermissionDenied]: 403,
  [Code.ResourceExhausted]: 429,
  [Code.FailedPrecondition]: 400,
  [Code.Aborted]: 409,
  [Code.OutOfRange]: 400,
  [Code.Unimplemented]: 501,
  [Code.Internal]: 500,
  [Code.Unavailable]: 503,
  [Code.DataLoss]: 500,
  [Code.Unauthenticated]: 401,
};

/** The Connect code of an HTTP status that carries no Connect error body. */
export function codeOfHttpStatus(status: number): Code {
  switch (status) {
    case 400:
      return Code.Internal;
    case 401:
      return Code.Unauthenticated;
    case 403:
      return Code.PermissionDenied;
    case 404:
      return Code.Unimplemented;
    case 429:
    case 502:
    case 503:
    case 504:
      return Code.Unavailable;
    default:
      return Code.Unknown;
  }
}

const CODE_NAMES: Readonly<Record<Code, string>> = {
  [Code.Canceled]: "canceled",
  [Code.Unknown]: "unknown",
  [Code.InvalidArgument]: "invalid_argument",
  [Code.DeadlineExceeded]: "deadline_exceeded",
  [Code.NotFound]: "not_found",
  [Code.AlreadyExists]: "already_exists",
  [Code.PermissionDenied]: "permission_denied",
  [Code.ResourceExhausted]: "resource_exhausted",
  [Code.FailedPrecondition]: "failed_precondition",
  [Code.Aborted]: "aborted",
  [Code.OutOfRange]: "out_of_range",
  [Code.Unimplemented]: "unimplemented",
  [Code.Internal]: "internal",
  [Code.Unavailable]: "unavailable",
  [Code.DataLoss]: "data_loss",
  [Code.Unauthenticated]: "unauthenticated",
};

/** `invalid_argument` for Code.InvalidArgument. */
export function codeToString(code: Code): string {
  return CODE_NAMES[code];
}

/** Code.InvalidArgument for `invalid_argument`; undefined for anything else. */
export function codeFromString(name: string): Code | undefined {
  for (const [code, n] of Object.entries(CODE_NAMES)) if (n === name) return Number(code) as Code;
  return undefined;
}

/** The request-id header, read and written by servers and clients. */
export const REQUEST_ID_HEADER = "x-request-id";
