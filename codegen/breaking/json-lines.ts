import { appendPointer } from "../util/json-pointer.js";

/**
 * The 1-based line of every value of a JSON text, keyed by JSON pointer: one linear scan, so findings
 * can carry `file:line` for editors and GitHub annotations. Returns an empty map for invalid JSON.
 */
export function jsonPointerLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  let i = 0;
  let line = 1;
  const ws = (): void => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 10) line++;
      else if (c !== 32 && c !== 9 && c !== 13) break;
      i++;
    }
  };
  const string = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === "\\") i++;
      i++;
    }
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (pointer: string): void => {
    ws();
    lines.set(pointer, line);
    const c = text[i];
    if (c === "{") {
      i++;
      ws();
      if (text[i] === "}") {
        i++;
        return;
      }
      while (i < text.length) {
        ws();
        const key = string();
        ws();
        i++; // ':'
        value(appendPointer(pointer, key));
        ws();
        if (text[i] === ",") i++;
        else {
          i++;
          return;
        }
      }
    } else if (c === "[") {
      i++;
      ws();
      if (text[i] === "]") {
        i++;
        return;
      }
      let index = 0;
      while (i < text.length) {
        value(appendPointer(pointer, index++));
        ws();
        if (text[i] === ",") i++;
        else {
          i++;
          return;
        }
      }
    } else if (c === '"') {
      string();
    } else {
      while (i < text.length && !/[\s,\]}]/.test(text[i]!)) i++;
    }
  };
  try {
    value("");
  } catch {
    return new Map();
  }
  return lines;
}

/** The line of `pointer`, or of its nearest ancestor that exists in the text. */
export function lineOf(lines: ReadonlyMap<string, number>, pointer: string): number | undefined {
  let p = pointer;
  for (;;) {
    const line = lines.get(p);
    if (line !== undefined) return line;
    if (p === "") return undefined;
    p = p.slice(0, p.lastIndexOf("/"));
  }
}
