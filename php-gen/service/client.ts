import type { GeneratedFile } from "../../codegen/ts/printer.js";
import type { PhpContext } from "../context.js";
import { docComment, INDENT, phpString } from "../printer.js";
import { declaredErrors, type PhpService, paragraphs, RT } from "./common.js";

const I1 = INDENT;
const I2 = INDENT.repeat(2);
const I3 = INDENT.repeat(3);

/**
 * The client class of a service: one typed method per unary RPC and an `…Async` variant returning a
 * `Future`, all delegating to the runtime's `ConnectClient` (Connect unary JSON over HTTP/1.1).
 */
export function emitClient(ctx: PhpContext, s: PhpService): GeneratedFile {
  const file = ctx.newFile(s.client, [s.decl.location.file]);
  const CallOptions = file.use(RT.CallOptions);
  const ConnectClient = file.use(RT.ConnectClient);
  const ConnectException = file.use(RT.ConnectException);
  const Future = file.use(RT.Future);
  const Transport = file.use(RT.Transport);
  const full = s.decl.fullName;
  file.add(
    ...docComment(
      paragraphs(
        s.decl.doc,
        `Client of \`${full}\`: Connect unary JSON over HTTP/1.1, ext-curl by default\n(any PSR-18 client through Psr18Transport). Every method throws ConnectException on failure.`,
        s.skipped.length > 0
          ? `Streaming methods are not available over Connect unary JSON: ${s.skipped.join(", ")}.`
          : "",
      ),
      "",
      s.decl.deprecated ? ["@deprecated"] : [],
    ),
    `final class ${s.client.name}`,
    "{",
    ...docComment("Full name of the service: the first segment of every request path.", I1),
    `${I1}public const SERVICE = ${phpString(full)};`,
    "",
    `${I1}private readonly ${ConnectClient} $connect;`,
    "",
    ...docComment("", I1, [
      "@param string $baseUrl server URL, e.g. `http://127.0.0.1:8080` (a path prefix is kept)",
      `@param ${Transport}|null $transport default: the shared ext-curl transport (concurrent calls with curl_multi)`,
      "@param array<string, string> $headers headers sent with every call",
      "@param int|null $timeoutMs default deadline of every call in milliseconds",
      "@param bool $useHttpGet call methods without side effects with GET",
    ]),
    `${I1}public function __construct(`,
    `${I2}string $baseUrl,`,
    `${I2}?${Transport} $transport = null,`,
    `${I2}array $headers = [],`,
    `${I2}?int $timeoutMs = null,`,
    `${I2}bool $useHttpGet = true,`,
    `${I1}) {`,
    `${I2}$this->connect = new ${ConnectClient}($baseUrl, $transport, $headers, $timeoutMs, $useHttpGet);`,
    `${I1}}`,
  );
  for (const m of s.methods) {
    const Input = file.use(m.input.fqcn);
    const Output = file.use(m.output.fqcn);
    const noSideEffects = m.decl.idempotency === "no_side_effects" ? "true" : "false";
    const args = [
      `${I3}self::SERVICE,`,
      `${I3}${phpString(m.decl.name)},`,
      `${I3}${noSideEffects},`,
      `${I3}$request,`,
      `${I3}${Output}::fromArray(...),`,
      `${I3}$options,`,
    ];
    const errors = declaredErrors(m.decl);
    const how = m.decl.idempotency === "no_side_effects" ? "HTTP GET: no side effects" : "HTTP POST";
    file.add(
      "",
      ...docComment(
        paragraphs(
          m.decl.doc,
          `\`${full}/${m.decl.name}\` (${how}).`,
          errors.length > 0 ? ["Errors the contract declares:", ...errors].join("\n") : "",
        ),
        I1,
        [
          `@throws ${ConnectException} the server's error (code, message, details), or a clear one when the answer`,
          "    is not Connect, the server is unreachable or the deadline passed",
          ...(m.decl.deprecated ? ["@deprecated"] : []),
        ],
      ),
      `${I1}public function ${m.name}(${Input} $request, ?${CallOptions} $options = null): ${Output}`,
      `${I1}{`,
      `${I2}return $this->connect->unary(`,
      ...args,
      `${I2});`,
      `${I1}}`,
      "",
      ...docComment(
        `Starts \`${m.decl.name}\` and returns at once: \`wait()\` on the result (or \`Batch::all()\`) gives the\nresponse; calls started together run concurrently.`,
        I1,
        [`@return ${Future}<${Output}>`, ...(m.decl.deprecated ? ["@deprecated"] : [])],
      ),
      `${I1}public function ${m.asyncName}(${Input} $request, ?${CallOptions} $options = null): ${Future}`,
      `${I1}{`,
      `${I2}return $this->connect->unaryAsync(`,
      ...args,
      `${I2});`,
      `${I1}}`,
    );
  }
  file.add("}");
  return file.toGeneratedFile();
}
