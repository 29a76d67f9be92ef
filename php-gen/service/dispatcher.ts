import type { GeneratedFile } from "../../codegen/ts/printer.js";
import type { PhpContext } from "../context.js";
import { docComment, INDENT, phpString } from "../printer.js";
import { type PhpService, RT } from "./common.js";

const I1 = INDENT;
const I2 = INDENT.repeat(2);
const I3 = INDENT.repeat(3);
const I4 = INDENT.repeat(4);

/**
 * The dispatcher of a service: routes a decoded JSON request to the typed handler method, decoding the
 * request DTO first (violations become `invalid_argument`) and encoding the response DTO.
 */
export function emitDispatcher(ctx: PhpContext, s: PhpService): GeneratedFile {
  const file = ctx.newFile(s.dispatcher, [s.decl.location.file]);
  const Service = file.use(RT.Service);
  const Context = file.use(RT.Context);
  const Input = file.use(RT.Input);
  const Code = file.use(RT.Code);
  const ConnectException = file.use(RT.ConnectException);
  const Handler = file.use(s.handler.fqcn);
  const full = s.decl.fullName;
  file.add(
    ...docComment(
      `Serves \`${full}\` with a ${Handler}: pass it to \`Contractgen\\Runtime\\Server\\Dispatcher\`, which speaks\nConnect unary JSON from \`php://input\` or a PSR-7 request.`,
    ),
    `final class ${s.dispatcher.name} implements ${Service}`,
    "{",
    `${I1}public const SERVICE = ${phpString(full)};`,
    "",
    `${I1}public function __construct(private readonly ${Handler} $handler)`,
    `${I1}{`,
    `${I1}}`,
    "",
    `${I1}public function serviceName(): string`,
    `${I1}{`,
    `${I2}return self::SERVICE;`,
    `${I1}}`,
    "",
    ...docComment("", I1, ["@return array<string, bool> method name => no side effects (GET allowed)"]),
    `${I1}public function methods(): array`,
    `${I1}{`,
    `${I2}return [`,
    ...s.methods.map(
      (m) =>
        `${I3}${phpString(m.decl.name)} => ${m.decl.idempotency === "no_side_effects" ? "true" : "false"},`,
    ),
    `${I2}];`,
    `${I1}}`,
    "",
    `${I1}public function invoke(string $method, \\stdClass $input, ${Context} $context): string`,
    `${I1}{`,
    `${I2}return match ($method) {`,
  );
  for (const m of s.methods) {
    const Request = file.use(m.input.fqcn);
    file.add(
      `${I3}${phpString(m.decl.name)} => $this->handler->${m.name}(`,
      `${I4}${Input}::decode(${Request}::fromArray(...), $input, $method),`,
      `${I4}$context,`,
      `${I3})->toJson(),`,
    );
  }
  file.add(
    `${I3}default => throw new ${ConnectException}(${Code}::Unimplemented, 'no method ' . $method . ' in ' . self::SERVICE),`,
    `${I2}};`,
    `${I1}}`,
    "}",
  );
  return file.toGeneratedFile();
}
