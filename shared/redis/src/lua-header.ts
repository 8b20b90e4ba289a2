// Parsing of a Lua script's contract header (style.md, "One Lua script per file, with a contract header"):
//
//   --[[
//     Input:
//       KEYS[1] shop state hash
//       KEYS[2] shop dedup set
//       ARGV[1] events, JSON array
//     Output: 0 ok, 1 duplicate
//   ]]
//
// The number of keys handed to ioredis `defineCommand` is the number of `KEYS[n]` lines in that header,
// so the header is the single source of truth for the script's key count.

export class LuaHeaderError extends Error {
  override readonly name = "LuaHeaderError";
}

export type LuaContract = {
  /** The text between `--[[` and `]]`. */
  header: string;
  numberOfKeys: number;
  /**
   * A header line `KEYS[n..]` says the script also takes any number of further keys after its fixed ones
   * (e.g. one per day touched); callers then pass the key count, which the wrappers in lua.ts do.
   */
  variadic: boolean;
};

const VARIADIC_LINE = /^\s*(?:[-*]\s*)?KEYS\[(\d+)\.\.\]/;

// A long comment may use any level: --[[ ]] or --[==[ ]==].
const HEADER_OPEN = /^\s*--\[(=*)\[/;
// A key line starts with KEYS[n] (after optional list markers); a KEYS[1] mentioned mid-sentence is prose.
const KEY_LINE = /^\s*(?:[-*]\s*)?KEYS\[(\d+)\]/;
const KEY_USE = /\bKEYS\[(\d+)\]/g;

/** Drops Lua comments (block, then line) so that a key mentioned in a comment is not taken as a use. */
function stripComments(lua: string): string {
  return lua.replace(/--\[(=*)\[[\s\S]*?\]\1\]/g, "").replace(/--[^\n]*/g, "");
}

/** Reads the leading `--[[ … ]]` header of a script. `file` only names the script in error messages. */
export function parseLuaContract(source: string, file: string): LuaContract {
  const text = source.startsWith("\uFEFF") ? source.slice(1) : source;
  const open = HEADER_OPEN.exec(text);
  if (!open) {
    throw new LuaHeaderError(
      `${file}: a Lua script must start with a --[[ … ]] contract header listing its KEYS[n] and ARGV[n] (style.md)`,
    );
  }
  const closeMark = `]${open[1] ?? ""}]`;
  const bodyStart = open[0].length;
  const close = text.indexOf(closeMark, bodyStart);
  if (close < 0) throw new LuaHeaderError(`${file}: the contract header opened with ${open[0].trim()} is never closed`);
  const header = text.slice(bodyStart, close);

  const seen = new Set<number>();
  let variadic = false;
  for (const line of header.split(/\r?\n/)) {
    if (VARIADIC_LINE.test(line)) {
      variadic = true;
      continue;
    }
    const m = KEY_LINE.exec(line);
    if (!m) continue;
    const n = Number(m[1]);
    if (seen.has(n)) throw new LuaHeaderError(`${file}: KEYS[${n}] is listed twice in the contract header`);
    seen.add(n);
  }
  const numberOfKeys = seen.size;
  for (let n = 1; n <= numberOfKeys; n++) {
    if (!seen.has(n)) {
      throw new LuaHeaderError(
        `${file}: the contract header lists ${numberOfKeys} keys but not KEYS[${n}]; number them KEYS[1]..KEYS[${numberOfKeys}]`,
      );
    }
  }
  // A body that reads a key the header does not list would silently get an ARGV value as a key.
  const body = stripComments(text.slice(close + closeMark.length));
  for (const use of body.matchAll(KEY_USE)) {
    const n = Number(use[1]);
    if (n > numberOfKeys && !variadic) {
      throw new LuaHeaderError(`${file}: the script uses KEYS[${n}] but its contract header lists ${numberOfKeys} keys`);
    }
  }
  return { header, numberOfKeys, variadic };
}
