import type { z } from "zod/v4";

/**
 * A fast path for a zod (v4 API) schema, compiled from the schema's own definition so the two cannot drift:
 * it either vouches for an input, returning exactly the value zod's parse returns (same keys in the same
 * order, unknown keys kept, stripped or refused as the schema says), or returns `undefined` when in any doubt,
 * and the caller runs zod (which then also names the problems). It never accepts what zod refuses.
 *
 * Only the constructs whose zod semantics are plain are compiled: string, number, boolean, enum, literal,
 * optional fields, unions of those, objects (strip, passthrough or strict) and discriminated unions of
 * objects, with length, bound, integer and refinement checks. Leaves become closures, objects straight-line
 * code. Anything else (a transform, a default, a coercion, a pipe, a lazy, …) is "unsupported": the fast path
 * of that part always doubts, and `unsupported` lists it so a test can insist that a schema on a hot path is
 * covered (catalog-fast-path.unit.test.ts, which also checks the fast path against zod on thousands of events).
 */
export interface FastParser<T> {
  /** zod's output for `input`, or undefined when the fast path cannot vouch for it (zod decides then). */
  parse(input: unknown): T | undefined;
  /** What was not compiled (`path: reason`); inputs that reach it always take zod's path. */
  unsupported: readonly string[];
}

type Schema = z.core.$ZodType;
type Check = z.core.$ZodCheck<never>;

/** Returned by a compiled part that cannot vouch for its input. */
const DOUBT: unique symbol = Symbol("doubt");
type Parse = (v: unknown) => unknown;
type Test = (v: unknown) => boolean;
/** A compiled part; `identity` when its output is its input itself (a leaf, or a union of leaves). */
type Compiled = { parse: Parse; identity: boolean };

/** A construct the fast path does not compile, and where (the innermost path, set as it propagates). */
class Unsupported extends Error {
  path: string | undefined;
}

const COMPILED_TYPES = new Set(["string", "number", "boolean", "enum", "literal", "union", "object"]);

const doubtAll: Compiled = { parse: () => DOUBT, identity: false };

/** The objects vouched for: plain ones, as JSON.parse makes them; arrays and class instances are left to zod. */
function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

export function compileFastParser<S extends Schema>(schema: S): FastParser<z.output<S>> {
  const unsupported: string[] = [];
  const type = schema._zod.def.type;
  let root: Compiled;
  if (type !== "object" && type !== "union") {
    // The fast path's "no verdict" is `undefined`, so its output must never be: objects and unions of them.
    unsupported.push(`: a ${type} at the root`);
    root = doubtAll;
  } else {
    root = compilePart(schema, "", unsupported);
    if (root.identity) {
      unsupported.push(": a union of non-objects at the root");
      root = doubtAll;
    }
  }
  const parse = root.parse;
  return {
    parse(input) {
      try {
        const out = parse(input);
        return out === DOUBT ? undefined : (out as z.output<S>);
      } catch {
        // A refinement that throws on an odd input: zod decides (and throws or names the problem) as before.
        return undefined;
      }
    },
    unsupported,
  };
}

/** Compiles `s`, or records why not and doubts everything that reaches it. */
function compilePart(s: Schema, path: string, unsupported: string[]): Compiled {
  try {
    return compile(s, path, unsupported);
  } catch (err) {
    if (!(err instanceof Unsupported)) throw err;
    unsupported.push(`${err.path ?? path}: ${err.message}`);
    return doubtAll;
  }
}

function compile(s: Schema, path: string, unsupported: string[]): Compiled {
  try {
    return compileNode(s, path, unsupported);
  } catch (err) {
    if (err instanceof Unsupported) err.path ??= path;
    throw err;
  }
}

function compileNode(s: Schema, path: string, unsupported: string[]): Compiled {
  const def = s._zod.def as z.core.$ZodTypeDef & { coerce?: boolean };
  if (!COMPILED_TYPES.has(def.type)) throw new Unsupported(`a ${def.type}`);
  if (s._zod.traits.has("$ZodCheck")) throw new Unsupported(`a ${def.type} that is also a check (a string format or z.int())`);
  if (def.coerce) throw new Unsupported(`a coerced ${def.type}`);
  if (s._zod.optin !== undefined || s._zod.optout !== undefined)
    throw new Unsupported(`an optional ${def.type} (optional is compiled as an object field only)`);
  const checks = (def.checks ?? []).map(compileCheck);
  switch (def.type) {
    case "string":
      return leaf((v) => typeof v === "string", checks);
    case "number":
      return leaf((v) => typeof v === "number" && Number.isFinite(v), checks);
    case "boolean":
      return leaf((v) => typeof v === "boolean", checks);
    case "enum":
    case "literal": {
      const values = s._zod.values;
      if (values === undefined) throw new Unsupported(`a ${def.type} without values`);
      return leaf((v) => values.has(v as z.core.util.Primitive), checks);
    }
    case "union":
      return withChecks(union(s as z.core.$ZodUnion, path, unsupported), checks);
    default: // "object"
      return withChecks(object(s as z.core.$ZodObject, path, unsupported), checks);
  }
}

function leaf(type: Test, checks: Test[]): Compiled {
  if (checks.length === 0) return { parse: (v) => (type(v) ? v : DOUBT), identity: true };
  return {
    parse: (v) => {
      if (!type(v)) return DOUBT;
      for (const c of checks) if (!c(v)) return DOUBT;
      return v;
    },
    identity: true,
  };
}

function withChecks(part: Compiled, checks: Test[]): Compiled {
  if (checks.length === 0) return part;
  const inner = part.parse;
  return {
    parse: (v) => {
      const out = inner(v);
      if (out === DOUBT) return DOUBT;
      for (const c of checks) if (!c(out)) return DOUBT;
      return out;
    },
    identity: part.identity,
  };
}

/**
 * A check of a leaf: the common kinds read from their definitions, a `.refine` calls its function, anything
 * else runs zod's own check on a scratch payload (and doubts if it would change the value).
 */
function compileCheck(ch: Check): Test {
  const def = ch._zod.def as z.core.$ZodCheckDef & Record<string, unknown>;
  switch (def.check) {
    case "min_length": {
      const min = def.minimum as number;
      return (v) => (v as { length: number }).length >= min;
    }
    case "max_length": {
      const max = def.maximum as number;
      return (v) => (v as { length: number }).length <= max;
    }
    case "greater_than": {
      const min = def.value;
      if (typeof min !== "number") break;
      return def.inclusive ? (v) => (v as number) >= min : (v) => (v as number) > min;
    }
    case "less_than": {
      const max = def.value;
      if (typeof max !== "number") break;
      return def.inclusive ? (v) => (v as number) <= max : (v) => (v as number) < max;
    }
    case "number_format":
      if (def.format === "safeint") return (v) => Number.isSafeInteger(v);
      break;
    case "custom": {
      const fn = def.fn;
      if (def.type === "custom" && typeof fn === "function")
        return (v) => {
          const r = (fn as (v: unknown) => unknown)(v);
          return !(r instanceof Promise) && Boolean(r);
        };
      break;
    }
    case "overwrite":
      throw new Unsupported("an overwrite check (trim, toLowerCase, …)");
  }
  return (v) => {
    const payload: z.core.ParsePayload = { value: v, issues: [] };
    const r = ch._zod.check(payload as z.core.ParsePayload<never>);
    return !(r instanceof Promise) && payload.issues.length === 0 && payload.value === v;
  };
}

function union(s: z.core.$ZodUnion, path: string, unsupported: string[]): Compiled {
  const def = s._zod.def as z.core.$ZodDiscriminatedUnionDef;
  if (typeof def.discriminator === "string") return discriminatedUnion(s as z.core.$ZodDiscriminatedUnion, path, unsupported);
  const options = def.options.map((o, i) => compile(o, `${path}|${i}`, unsupported));
  // zod returns the first option that passes; only when each returns its input is "any that we vouch for" the same.
  if (!options.every((o) => o.identity)) throw new Unsupported("a union of non-leaves");
  const parses = options.map((o) => o.parse);
  return {
    parse: (v) => {
      for (const p of parses) if (p(v) !== DOUBT) return v;
      return DOUBT;
    },
    identity: true,
  };
}

function discriminatedUnion(s: z.core.$ZodDiscriminatedUnion, path: string, unsupported: string[]): Compiled {
  const def = s._zod.def;
  if (def.unionFallback) throw new Unsupported("a discriminated union with unionFallback");
  const key = def.discriminator;
  const byValue = new Map<unknown, Parse>();
  for (const option of def.options) {
    const values = option._zod.propValues?.[key];
    if (values === undefined) throw new Unsupported(`an option without a ${key}`);
    const name = [...values].map(String).join("|");
    const compiled = compilePart(option, path ? `${path}<${name}>` : name, unsupported);
    for (const value of values) byValue.set(value, compiled.parse);
  }
  return {
    parse: (v) => {
      // The option checks that it is a plain object.
      if (typeof v !== "object" || v === null) return DOUBT;
      const option = byValue.get((v as Record<string, unknown>)[key]);
      return option === undefined ? DOUBT : option(v);
    },
    identity: false,
  };
}

type Field = { key: string; parse: Parse; optional: boolean };

function object(s: z.core.$ZodObject, path: string, unsupported: string[]): Compiled {
  const def = s._zod.def;
  const fields: Field[] = Object.entries(def.shape).map(([key, f]) => {
    const at = path ? `${path}.${key}` : key;
    const fd = f._zod.def;
    if (fd.type !== "optional") return { key, parse: compile(f, at, unsupported).parse, optional: false };
    if ((fd.checks ?? []).length > 0) throw Object.assign(new Unsupported("a checked optional"), { path: at });
    const inner = (f as z.core.$ZodOptional)._zod.def.innerType;
    return { key, parse: compile(inner, at, unsupported).parse, optional: true };
  });
  const known = new Set(fields.map((f) => f.key));
  const catchall = def.catchall;
  let extra: "strip" | "keep" | "refuse" | Parse;
  if (catchall === undefined) extra = "strip";
  else if (catchall._zod.def.type === "unknown" || catchall._zod.def.type === "any") extra = "keep";
  else if (catchall._zod.def.type === "never") extra = "refuse";
  else extra = compile(catchall, `${path}[*]`, unsupported).parse;
  return { parse: generateObjectParse(fields, known, extra), identity: false };
}

/**
 * The object's parse as straight-line code (as zod's own JIT does for its objects): a constant key per field
 * lets V8 keep each property access monomorphic, about 1.4× faster than a loop over the fields. It builds the
 * output as zod builds it: the shape's keys in the shape's order, then the input's other keys in its order.
 */
function generateObjectParse(fields: Field[], known: Set<string>, extra: "strip" | "keep" | "refuse" | Parse): Parse {
  const key = (f: Field) => JSON.stringify(f.key);
  const lines = ["if (!isPlainObject(input)) return DOUBT;", "let v, r;", "const out = {};"];
  fields.forEach((f, i) => {
    const take = `r = f${i}(v); if (r === DOUBT) return DOUBT; out[${key(f)}] = r;`;
    lines.push(`v = input[${key(f)}];`);
    lines.push(f.optional ? `if (v !== undefined) { ${take} } else if (${key(f)} in input) out[${key(f)}] = undefined;` : take);
  });
  if (extra !== "strip") {
    lines.push("for (const k of Object.keys(input)) {", "if (known.has(k)) continue;");
    if (extra === "keep") lines.push("out[k] = input[k];");
    else if (extra === "refuse") lines.push("return DOUBT;");
    else lines.push("r = extra(input[k]); if (r === DOUBT) return DOUBT; out[k] = r;");
    lines.push("}");
  }
  lines.push("return out;");
  const names = fields.map((_, i) => `f${i}`);
  let make: (...deps: unknown[]) => Parse;
  try {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the source is built from the schema's keys, each quoted by JSON.stringify
    make = new Function(
      "DOUBT",
      "isPlainObject",
      "known",
      "extra",
      ...names,
      `return (input) => {\n${lines.join("\n")}\n};`,
    ) as typeof make;
  } catch {
    throw new Unsupported("an object, and code generation is disallowed here (--disallow-code-generation-from-strings)");
  }
  return make(DOUBT, isPlainObject, known, extra, ...fields.map((f) => f.parse));
}
