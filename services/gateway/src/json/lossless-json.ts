/**
 * A strict JSON parser (RFC 8259) that never loses an integer: an integer outside ±(2^53 − 1) comes back as
 * its exact decimal string instead of a rounded `number`.
 *
 * Why not `JSON.parse`: platform ids (Douyin `p_id`/`aftersale_id`, Pinduoduo websocket `id`, Kuaishou
 * `oid`) are 64-bit integers, often above 2^53, and `JSON.parse` silently rounds them, so two orders could
 * collapse into one. Node 20 has no reviver `context.source`, and quoting big numbers with a regex breaks on
 * digits inside strings, so this is a small recursive-descent parser. It also bounds nesting depth, so a
 * hostile `[[[[…` cannot exhaust the stack.
 */

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    /** Offset (UTF-16 code units) where parsing failed. */
    readonly position: number,
  ) {
    super(`${message} at position ${position}`);
    this.name = "JsonSyntaxError";
  }
}

export interface LosslessJsonOptions {
  /** Maximum nesting of arrays and objects (default 64). */
  maxDepth?: number;
  /**
   * `string` (default): integers beyond ±(2^53 − 1) come back as exact strings. `number`: they round, as with
   * `JSON.parse` (for inputs whose schema wants numbers and must report a wrong type, not accept a string).
   */
  bigIntegers?: "string" | "number";
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** `parseLosslessJson` as a result: a syntax error becomes its message, anything else still throws. */
export function tryParseLosslessJson(
  text: string,
  options: LosslessJsonOptions = {},
): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: parseLosslessJson(text, options) };
  } catch (err) {
    if (err instanceof JsonSyntaxError) return { ok: false, reason: err.message };
    throw err;
  }
}

export function parseLosslessJson(text: string, options: LosslessJsonOptions = {}): unknown {
  const maxDepth = options.maxDepth ?? 64;
  const keepBigIntegers = (options.bigIntegers ?? "string") === "string";
  let pos = 0;

  const fail = (message: string, at = pos): never => {
    throw new JsonSyntaxError(message, at);
  };

  const skipWs = (): void => {
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) pos++;
      else return;
    }
  };

  const parseValue = (depth: number): unknown => {
    skipWs();
    const c = text[pos];
    switch (c) {
      case "{":
        return parseObject(depth + 1);
      case "[":
        return parseArray(depth + 1);
      case '"':
        return parseString();
      case "t":
        return literal("true", true);
      case "f":
        return literal("false", false);
      case "n":
        return literal("null", null);
      case undefined:
        return fail("Unexpected end of JSON input");
      default:
        if (c === "-" || (c >= "0" && c <= "9")) return parseNumber();
        return fail(`Unexpected token ${JSON.stringify(c)}`);
    }
  };

  const literal = (word: string, value: unknown): unknown => {
    if (text.startsWith(word, pos)) {
      pos += word.length;
      return value;
    }
    return fail("Unexpected token");
  };

  const parseObject = (depth: number): Record<string, unknown> => {
    if (depth > maxDepth) fail(`Nesting deeper than ${maxDepth}`);
    pos++; // {
    const out: Record<string, unknown> = {};
    skipWs();
    if (text[pos] === "}") {
      pos++;
      return out;
    }
    for (;;) {
      skipWs();
      if (text[pos] !== '"') fail("Expected a string key");
      const key = parseString();
      skipWs();
      if (text[pos] !== ":") fail("Expected ':'");
      pos++;
      const value = parseValue(depth);
      // A key named __proto__ must become an own property (as with JSON.parse), not the prototype.
      if (key === "__proto__") Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      else out[key] = value;
      skipWs();
      const sep = text[pos];
      if (sep === ",") {
        pos++;
        continue;
      }
      if (sep === "}") {
        pos++;
        return out;
      }
      return fail(sep === undefined ? "Unexpected end of JSON input" : "Expected ',' or '}'");
    }
  };

  const parseArray = (depth: number): unknown[] => {
    if (depth > maxDepth) fail(`Nesting deeper than ${maxDepth}`);
    pos++; // [
    const out: unknown[] = [];
    skipWs();
    if (text[pos] === "]") {
      pos++;
      return out;
    }
    for (;;) {
      out.push(parseValue(depth));
      skipWs();
      const sep = text[pos];
      if (sep === ",") {
        pos++;
        continue;
      }
      if (sep === "]") {
        pos++;
        return out;
      }
      return fail(sep === undefined ? "Unexpected end of JSON input" : "Expected ',' or ']'");
    }
  };

  const parseString = (): string => {
    const start = ++pos; // opening quote
    let out = "";
    let chunkStart = start;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (Number.isNaN(c)) return fail("Unterminated string", start - 1);
      if (c === 0x22) {
        out += text.slice(chunkStart, pos);
        pos++;
        return out;
      }
      if (c < 0x20) return fail("Control character in string");
      if (c !== 0x5c) {
        pos++;
        continue;
      }
      out += text.slice(chunkStart, pos);
      const e = text[pos + 1];
      pos += 2;
      switch (e) {
        case '"':
          out += '"';
          break;
        case "\\":
          out += "\\";
          break;
        case "/":
          out += "/";
          break;
        case "b":
          out += "\b";
          break;
        case "f":
          out += "\f";
          break;
        case "n":
          out += "\n";
          break;
        case "r":
          out += "\r";
          break;
        case "t":
          out += "\t";
          break;
        case "u": {
          const hex = text.slice(pos, pos + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail("Bad \\u escape");
          out += String.fromCharCode(parseInt(hex, 16));
          pos += 4;
          break;
        }
        default:
          fail("Bad escape", pos - 1);
      }
      chunkStart = pos;
    }
  };

  const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
  const parseNumber = (): number | string => {
    NUMBER.lastIndex = pos;
    const m = NUMBER.exec(text);
    if (m === null) return fail("Bad number");
    const raw = m[0];
    pos += raw.length;
    const isInteger = m[1] === undefined && m[2] === undefined;
    if (keepBigIntegers && isInteger && raw.replace("-", "").length >= 16) {
      const big = BigInt(raw);
      if (big > MAX_SAFE || big < -MAX_SAFE) return big.toString();
    }
    return Number(raw);
  };

  const value = parseValue(0);
  skipWs();
  if (pos !== text.length) fail("Unexpected data after JSON value");
  return value;
}

/**
 * Decodes bytes as UTF-8, refusing invalid sequences (a lenient decoder would turn them into U+FFFD and
 * change ids). Returns null when the bytes are not valid UTF-8. A leading BOM is dropped.
 */
export function decodeUtf8Strict(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch (err) {
    if (err instanceof TypeError) return null;
    throw err;
  }
}
