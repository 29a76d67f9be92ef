/** Reading a JSON file for lint: the parsed value with a line per JSON pointer, or where it is broken. */
import { readFileSync } from "node:fs";
import { jsonPointerLines, lineOf } from "../breaking/json-lines.js";
import type { SourceLocation } from "../model/types.js";

/** A parsed JSON file and the line of each of its values. */
export interface JsonFile {
  /** Path relative to the project root, forward slashes (as diagnostics show it). */
  readonly path: string;
  readonly json: unknown;
  readonly lines: ReadonlyMap<string, number>;
}

/** Why a file could not be read as JSON, with line and column of a syntax error when JSON.parse names one. */
export interface JsonFileError {
  readonly message: string;
  readonly location: SourceLocation;
}

/** Reads `absolute` (shown as `path`); a syntax error is returned, not thrown. */
export function readJsonFile(absolute: string, path: string): JsonFile | JsonFileError {
  let text: string;
  try {
    text = readFileSync(absolute, "utf8");
  } catch (e) {
    return { message: `cannot read the file: ${(e as Error).message}`, location: { file: path } };
  }
  try {
    return { path, json: JSON.parse(text), lines: jsonPointerLines(text) };
  } catch (e) {
    return {
      message: `invalid JSON: ${(e as Error).message}`,
      location: { file: path, ...positionOfJsonError(text, e as Error) },
    };
  }
}

/** Whether {@link readJsonFile} failed. */
export function isJsonFileError(r: JsonFile | JsonFileError): r is JsonFileError {
  return "message" in r;
}

/** The location of `pointer` in `file`: its line (or its nearest ancestor's) and the pointer. */
export function locate(file: JsonFile, pointer: string): SourceLocation {
  const line = lineOf(file.lines, pointer);
  return { file: file.path, ...(line !== undefined ? { line } : {}), pointer };
}

/** Node's JSON.parse messages name a character position; turn it into a 1-based line and column. */
function positionOfJsonError(text: string, e: Error): { line?: number; column?: number } {
  const m = /position (\d+)/.exec(e.message);
  if (!m) return /end of JSON input/.test(e.message) ? endOf(text) : {};
  const pos = Number(m[1]);
  const before = text.slice(0, pos);
  return { line: before.split("\n").length, column: pos - before.lastIndexOf("\n") };
}

function endOf(text: string): { line: number; column: number } {
  const line = text.split("\n").length;
  return { line, column: text.length - text.lastIndexOf("\n") };
}
