/**
 * Strings that match a JSON Schema `pattern`: a small generator for the regular-expression subset
 * contracts use (anchors, literals, escapes `\d \w \s`, classes with ranges, groups with `|`, and the
 * quantifiers `? * + {n} {n,m}`). Every result is checked with the real RegExp by the caller; a pattern
 * outside the subset yields no candidate, never a wrong one.
 */

type Atom =
  | { readonly t: "chars"; readonly chars: readonly string[] }
  | { readonly t: "group"; readonly alts: readonly Seq[] };
type Piece = { readonly atom: Atom; readonly min: number; readonly max: number };
type Seq = readonly Piece[];

const DIGITS = [..."0123456789"];
const LOWER = [..."abcdefghijklmnopqrstuvwxyz"];
const UPPER = [..."ABCDEFGHIJKLMNOPQRSTUVWXYZ"];
const WORD = [...LOWER, ...UPPER, ...DIGITS, "_"];
// Printable characters a class like `[^"]` or `.` can stand for, most readable first.
const PRINTABLE = [...LOWER, ...DIGITS, ...UPPER, ..."-_. ,:/@+"];

class Parser {
  private i = 0;
  constructor(private readonly src: string) {}

  parse(): Seq {
    const alts = this.alternatives();
    if (this.i < this.src.length) throw new Error("unbalanced )");
    return alts.length === 1 ? (alts[0] as Seq) : [{ atom: { t: "group", alts }, min: 1, max: 1 }];
  }

  private alternatives(): Seq[] {
    const alts: Seq[] = [this.sequence()];
    while (this.src[this.i] === "|") {
      this.i++;
      alts.push(this.sequence());
    }
    return alts;
  }

  private sequence(): Piece[] {
    const out: Piece[] = [];
    while (this.i < this.src.length && this.src[this.i] !== "|" && this.src[this.i] !== ")") {
      const c = this.src[this.i] as string;
      if (c === "^" || c === "$") {
        this.i++;
        continue;
      }
      const atom = this.atom();
      const [min, max] = this.quantifier();
      out.push({ atom, min, max });
    }
    return out;
  }

  private atom(): Atom {
    const c = this.src[this.i++] as string;
    if (c === "(") {
      if (this.src.startsWith("?:", this.i)) this.i += 2;
      else if (this.src[this.i] === "?") throw new Error("lookaround");
      const alts = this.alternatives();
      if (this.src[this.i++] !== ")") throw new Error("unbalanced (");
      return { t: "group", alts };
    }
    if (c === "[") return { t: "chars", chars: this.charClass() };
    if (c === ".") return { t: "chars", chars: PRINTABLE };
    if (c === "\\") return { t: "chars", chars: this.escape() };
    if ("*+?{".includes(c)) throw new Error("quantifier without atom");
    return { t: "chars", chars: [c] };
  }

  private escape(): string[] {
    const c = this.src[this.i++];
    switch (c) {
      case "d":
        return DIGITS;
      case "w":
        return WORD;
      case "s":
        return [" "];
      case "D":
        return [..."abc-"];
      case "W":
        return [..."-. "];
      case "S":
        return [..."ab1"];
      case "n":
        return ["\n"];
      case "t":
        return ["\t"];
      case "u": {
        const hex = this.src.slice(this.i, this.i + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new Error("bad \\u");
        this.i += 4;
        return [String.fromCharCode(Number.parseInt(hex, 16))];
      }
      case "b":
      case "B":
        throw new Error("word boundary");
      case undefined:
        throw new Error("trailing backslash");
      default:
        if (/[0-9]/.test(c)) throw new Error("back-reference");
        return [c];
    }
  }

  private charClass(): string[] {
    let negate = false;
    if (this.src[this.i] === "^") {
      negate = true;
      this.i++;
    }
    const set = new Set<string>();
    let first = true;
    while (this.i < this.src.length && (this.src[this.i] !== "]" || first)) {
      first = false;
      let lo: string[];
      if (this.src[this.i] === "\\") {
        this.i++;
        lo = this.escape();
      } else lo = [this.src[this.i++] as string];
      if (
        lo.length === 1 &&
        this.src[this.i] === "-" &&
        this.src[this.i + 1] !== "]" &&
        this.i + 1 < this.src.length
      ) {
        this.i++;
        let hi: string;
        if (this.src[this.i] === "\\") {
          this.i++;
          hi = this.escape()[0] ?? "";
        } else hi = this.src[this.i++] as string;
        const a = (lo[0] as string).codePointAt(0) ?? 0;
        const b = hi.codePointAt(0) ?? 0;
        for (let x = a; x <= b && x - a < 256; x++) set.add(String.fromCodePoint(x));
      } else for (const ch of lo) set.add(ch);
    }
    if (this.src[this.i++] !== "]") throw new Error("unbalanced [");
    if (!negate) return [...set];
    return PRINTABLE.filter((ch) => !set.has(ch));
  }

  private quantifier(): [number, number] {
    const c = this.src[this.i];
    let q: [number, number] = [1, 1];
    if (c === "?") q = [0, 1];
    else if (c === "*") q = [0, Number.POSITIVE_INFINITY];
    else if (c === "+") q = [1, Number.POSITIVE_INFINITY];
    else if (c === "{") {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i));
      if (!m) throw new Error("bad {}");
      this.i += m[0].length;
      const min = Number(m[1]);
      const max = m[2] === undefined ? min : m[3] === "" ? Number.POSITIVE_INFINITY : Number(m[3]);
      return this.lazy([min, max]);
    } else return q;
    this.i++;
    return this.lazy(q);
  }

  private lazy(q: [number, number]): [number, number] {
    if (this.src[this.i] === "?") this.i++;
    return q;
  }
}

/** How to expand a pattern: repetitions of unbounded quantifiers, and which character/branch to pick. */
interface Choice {
  readonly reps: number;
  readonly pick: number;
}

function emit(seq: Seq, choice: Choice, out: string[], salt: { n: number }): void {
  for (const p of seq) {
    const n = Math.min(
      p.max,
      Math.max(p.min, Number.isFinite(p.max) ? Math.min(p.max, choice.reps) : choice.reps),
    );
    for (let k = 0; k < n; k++) {
      if (p.atom.t === "chars") {
        const chars = p.atom.chars;
        if (chars.length === 0) throw new Error("empty class");
        out.push(chars[(choice.pick + salt.n++) % chars.length] as string);
      } else {
        const alts = p.atom.alts;
        emit(alts[choice.pick % alts.length] as Seq, choice, out, salt);
      }
    }
  }
}

const parsed = new Map<string, Seq | null>();

/**
 * Candidate strings for `pattern`, each matching it (checked), with a length in [minLength, maxLength]
 * when possible. `prefer` `long` puts the longest candidates first. Empty when the pattern is outside
 * the supported subset.
 */
export function patternSamples(
  pattern: string,
  minLength = 0,
  maxLength = 64,
  prefer: "short" | "long" = "short",
): string[] {
  let seq = parsed.get(pattern);
  if (seq === undefined) {
    try {
      seq = new Parser(pattern).parse();
    } catch {
      seq = null;
    }
    parsed.set(pattern, seq);
  }
  let re: RegExp;
  try {
    re = new RegExp(pattern, "u");
  } catch {
    return [];
  }
  if (seq === null) return [];
  const found = new Set<string>();
  const cap = Math.min(maxLength, 256);
  const repsList = [...new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 16, 32, 64, 128, 256, minLength, cap])]
    .filter((r) => r <= Math.max(cap, 1))
    .sort((a, b) => a - b);
  for (const reps of repsList) {
    for (let pick = 0; pick < 3; pick++) {
      const out: string[] = [];
      try {
        emit(seq, { reps, pick }, out, { n: 0 });
      } catch {
        return [];
      }
      const s = out.join("");
      const len = [...s].length;
      if (len >= minLength && len <= maxLength && re.test(s)) found.add(s);
    }
    if (found.size >= 6 && prefer === "short") break;
  }
  const list = [...found];
  list.sort((a, b) => (prefer === "long" ? b.length - a.length : a.length - b.length));
  return list;
}
