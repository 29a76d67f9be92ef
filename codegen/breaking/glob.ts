/**
 * Glob patterns for ignores and directions: `**` matches across separators, `*` within one segment,
 * `?` one character. `separator` is `/` for paths and `.` for full names.
 */
export function globToRegExp(glob: string, separator: "/" | "."): RegExp {
  const sep = separator === "/" ? "/" : "\\.";
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*") {
      if (glob[i + 1] === "*") {
        i++;
        if (glob[i + 1] === separator) {
          i++;
          re += `(?:.*${sep})?`;
        } else re += ".*";
      } else re += `[^${sep}]*`;
    } else if (c === "?") re += `[^${sep}]`;
    else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}
