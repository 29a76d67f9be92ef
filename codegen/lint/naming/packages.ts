/** Naming of JSON Schema packages (their folders): lower-case segments ending in a version. */
import type { Diagnostic } from "../../errors.js";
import { PACKAGE_SEGMENT, VERSION } from "./cases.js";
import type { NamingFile } from "./index.js";

/** One finding per package and rule, at the package's first file. */
export function lintPackages(files: readonly NamingFile[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const file of files) {
    if (seen.has(file.package)) continue;
    seen.add(file.package);
    const location = { file: file.path, pointer: "" };
    const folder = file.path.slice(0, file.path.lastIndexOf("/") + 1);
    if (file.package === "") {
      out.push({
        code: "schema_invalid",
        message: `expected the file in a package folder ending in a version (such as <name>/v1/), found it directly in the JSON Schema root, where it has no package`,
        location,
        rule: "PACKAGE_VERSION_SUFFIX",
      });
      continue;
    }
    const segments = file.package.split(".");
    const bad = segments.filter((s) => !PACKAGE_SEGMENT.test(s));
    if (bad.length > 0)
      out.push({
        code: "schema_invalid",
        message: `expected package segments in lower_snake_case, found ${bad.map((s) => JSON.stringify(s)).join(", ")} in package ${file.package} (folder ${folder}); rename the folder${bad.length > 1 ? "s" : ""} to ${bad.map((s) => JSON.stringify(s.toLowerCase().replace(/[^a-z0-9_]/g, "_"))).join(", ")}`,
        location,
        rule: "PACKAGE_LOWER_SNAKE_CASE",
      });
    const last = segments[segments.length - 1] ?? "";
    if (!VERSION.test(last))
      out.push({
        code: "schema_invalid",
        message: `expected package ${file.package} to end in a version such as v1 or v2beta1, found ${JSON.stringify(last)}; move the files of ${folder} into ${folder}v1/`,
        location,
        rule: "PACKAGE_VERSION_SUFFIX",
      });
  }
  return out;
}
