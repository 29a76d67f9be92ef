import type { GeneratedFile } from "../../codegen/ts/printer.js";
import type { PhpContext } from "../context.js";
import { docComment, INDENT } from "../printer.js";
import { declaredErrors, type PhpService, paragraphs, RT } from "./common.js";

/** The handler interface of a service: what a PHP server of it implements, one typed method per RPC. */
export function emitHandler(ctx: PhpContext, s: PhpService): GeneratedFile {
  const file = ctx.newFile(s.handler, [s.decl.location.file]);
  const Context = file.use(RT.Context);
  const ConnectException = file.use(RT.ConnectException);
  const full = s.decl.fullName;
  file.add(
    ...docComment(
      paragraphs(
        s.decl.doc,
        `What a server of \`${full}\` implements. Serve it with\n\`new Dispatcher([new ${s.dispatcher.name}($handler)])\`.`,
      ),
      "",
      s.decl.deprecated ? ["@deprecated"] : [],
    ),
    `interface ${s.handler.name}`,
    "{",
  );
  s.methods.forEach((m, i) => {
    const Input = file.use(m.input.fqcn);
    const Output = file.use(m.output.fqcn);
    const errors = declaredErrors(m.decl);
    file.add(
      ...(i > 0 ? [""] : []),
      ...docComment(
        paragraphs(
          m.decl.doc,
          `\`${full}/${m.decl.name}\`. The request has been validated against the contract.`,
          errors.length > 0 ? ["Errors the contract declares:", ...errors].join("\n") : "",
        ),
        INDENT,
        [
          `@throws ${ConnectException} to answer with its code, message and details; any other exception`,
          "    becomes `internal`",
          ...(m.decl.deprecated ? ["@deprecated"] : []),
        ],
      ),
      `${INDENT}public function ${m.name}(${Input} $request, ${Context} $context): ${Output};`,
    );
  });
  file.add("}");
  return file.toGeneratedFile();
}
