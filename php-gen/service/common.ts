/**
 * What the client, handler and dispatcher emitters of one service share: the PHP names of the service's
 * classes and methods (decided once per service) and the request/response classes of each method.
 */
import { ContractError } from "../../codegen/errors.js";
import type { MethodDecl, ServiceDecl } from "../../codegen/model/types.js";
import { camelCase } from "../../codegen/util/names.js";
import type { PhpClassRef, PhpContext } from "../context.js";
import { phpIdentifier } from "../names.js";

/** Runtime classes generated service code uses. */
export const RT = {
  CallOptions: "Contractgen\\Runtime\\Http\\CallOptions",
  Code: "Contractgen\\Runtime\\Http\\Code",
  ConnectClient: "Contractgen\\Runtime\\Http\\ConnectClient",
  ConnectException: "Contractgen\\Runtime\\Http\\ConnectException",
  Future: "Contractgen\\Runtime\\Http\\Future",
  Transport: "Contractgen\\Runtime\\Http\\Transport",
  Context: "Contractgen\\Runtime\\Server\\Context",
  Input: "Contractgen\\Runtime\\Server\\Input",
  Service: "Contractgen\\Runtime\\Server\\Service",
} as const;

/** One unary method with its PHP names. */
export interface PhpMethod {
  readonly decl: MethodDecl;
  /** PHP method name on the client and the handler (`createOrder`). */
  readonly name: string;
  /** PHP name of the client's async variant (`createOrderAsync`). */
  readonly asyncName: string;
  readonly input: PhpClassRef;
  readonly output: PhpClassRef;
}

/** A service with the PHP names of everything generated for it. */
export interface PhpService {
  readonly decl: ServiceDecl;
  readonly client: PhpClassRef;
  readonly handler: PhpClassRef;
  readonly dispatcher: PhpClassRef;
  /** Unary methods (streaming methods are not served by Connect unary JSON and are left out). */
  readonly methods: readonly PhpMethod[];
  /** Names of streaming methods that were left out. */
  readonly skipped: readonly string[];
}

/**
 * Names a service's PHP classes and methods. Method names are lowerCamel; PHP compares them
 * case-insensitively, so a name already taken in the class (`getX` after `GetX`, or `createOrderAsync`
 * for a method `CreateOrderAsync`) gets `_2`, `_3`, …; names PHP reserves for magic methods (starting
 * with `__`) get the suffix `_`.
 */
export function phpService(ctx: PhpContext, service: ServiceDecl): PhpService {
  const namespace = ctx.namespaceOf(service.package);
  const client = ctx.allocateClass(namespace, `${service.name}Client`);
  const handler = ctx.allocateClass(namespace, `${service.name}Handler`);
  const dispatcher = ctx.allocateClass(namespace, `${service.name}Dispatcher`);
  const taken = new Set<string>(["__construct"]);
  const allocate = (desired: string): string => {
    let name = phpIdentifier(desired, "property");
    if (name.startsWith("__")) name = `${name}_`;
    const first = name;
    for (let i = 2; taken.has(name.toLowerCase()); i++) name = `${first}_${i}`;
    taken.add(name.toLowerCase());
    return name;
  };
  const unary = service.methods.filter((m) => !m.clientStreaming && !m.serverStreaming);
  const names = unary.map((m) => allocate(camelCase(m.name) || m.name));
  const methods = unary.map((m, i) => {
    const name = names[i] ?? m.name;
    return {
      decl: m,
      name,
      asyncName: allocate(`${name}Async`),
      input: classOf(ctx, m, m.input),
      output: classOf(ctx, m, m.output),
    };
  });
  const skipped = service.methods.filter((m) => m.clientStreaming || m.serverStreaming).map((m) => m.name);
  return { decl: service, client, handler, dispatcher, methods, skipped };
}

function classOf(ctx: PhpContext, method: MethodDecl, fullName: string): PhpClassRef {
  try {
    return ctx.classOf(fullName);
  } catch (e) {
    throw new ContractError(
      {
        code: "unsupported",
        message: `method ${method.name} uses ${fullName}, which has no PHP class: PHP services need a message of the contract as request and response (wrap well-known types in a message)`,
        location: method.location,
      },
      { cause: e },
    );
  }
}

/** The first line of a contract comment, for one-line summaries. */
export function firstLine(text: string): string {
  return text.split("\n")[0]?.trim() ?? "";
}

/** `(detail shop.stats.v1.StatsError)` lines for the errors a JSON Schema method declares. */
export function declaredErrors(method: MethodDecl): string[] {
  return Object.entries(method.errors)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([code, detail]) => `- \`${code}\`, detail \`${detail}\``);
}

/** Joins the non-empty texts with blank lines (contract doc first, then generated explanations). */
export function paragraphs(...texts: string[]): string {
  return texts.filter((t) => t.trim() !== "").join("\n\n");
}
