import type { z } from "zod";

/**
 * A fast path for a zod schema, compiled from the schema's own definition so the two cannot drift:
 * it either vouches for an input, returning exactly the value zod's parse returns (same keys in the same
 * order, unknown keys kept, stripped or refused as the schema says), or returns `undefined` when in any doubt,
 * and the caller runs zod (which then also names the problems). It never accepts what zod refuses.
 *
 * Only the constructs whose zod semantics are plain are compiled: string, number, boolean, enum, literal,
 * optional fields, unions of those, arrays, objects (strip, passthrough or strict) and discriminated unions
 * of objects, with length, bound, integer and refinement checks. Each object becomes one straight-line function
 * (as zod's own JIT does), its leaves inline tests, so V8 sees monomorphic property accesses and few calls.
 * Anything else (a transform, a default, a coercion, a pipe, a lazy, …) is "unsupported": the fast path of
 * that part always doubts, and `unsupported` lists it so a test can insist that a schema on a hot path is
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

/**
 * A compiled part. A leaf (or a union of leaves) is a JavaScript expression over `v`, true when zod accepts
 * `v` and returns it unchanged; an object or discriminated union is a function returning its output or DOUBT.
 */
type Compiled = { test: string } | { parse: Parse };

/** A construct the fast path does not compile, and where (the innermost path, set as it propagates). */
class Unsupported extends Error {
  path: string | undefined;
}

const COMPILED_TYPES = new Set(["string", "number", "boolean", "enum", "literal", "union", "object", "array"]);

const doubtAll: Parse = () => DOUBT;

/** The objects vouched for: plain ones, as JSON.parse makes them; arrays and class instances are left to zod. */
function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** The values a generated function closes over, named d0, d1, … in its source. */
class Deps {
  readonly values: unknown[] = [];
  name(value: unknown): string {
    this.values.push(value);
    return `d${this.values.length - 1}`;
  }
  /** A number as a literal when its decimal form is exact and short, else by name. */
  number(n: number): string {
    return Number.isSafeInteger(n) && !Object.is(n, -0) ? String(n) : this.name(n);
  }
}

export function compileFastParser<S extends Schema>(schema: S): FastParser<z.output<S>> {
  const unsupported: string[] = [];
  const type = schema._zod.def.type;
  let parse: Parse = doubtAll;
  if (type !== "object" && type !== "union") {
    // The fast path's "no verdict" is `undefined`, so its output must never be: objects and unions of them.
    unsupported.push(`: a ${type} at the root`);
  } else {
    const root = compilePart(schema, "", unsupported);
    if ("parse" in root) parse = root.parse;
    else unsupported.push(": a union of non-objects at the root");
  }
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
    return compile(s, path, unsupported, new Deps());
  } catch (err) {
    if (!(err instanceof Unsupported)) throw err;
    unsupported.push(`${err.path ?? path}: ${err.message}`);
    return { parse: doubtAll };
  }
}

function compile(s: Schema, path: string, unsupported: string[], deps: Deps): Compiled {
  try {
    return compileNode(s, path, unsupported, deps);
  } catch (err) {
    if (err instanceof Unsupported) err.path ??= path;
    throw err;
  }
}

function compileNode(s: Schema, path: string, unsupported: string[], deps: Deps): Compiled {
  const def = s._zod.def as z.core.$ZodTypeDef & { coerce?: boolean };
  if (!COMPILED_TYPES.has(def.type)) throw new Unsupported(`a ${def.type}`);
  if (s._zod.traits.has("$ZodCheck")) throw new Unsupported(`a ${def.type} that is also a check (a string format or z.int())`);
  if (def.coerce) throw new Unsupported(`a coerced ${def.type}`);
  if (s._zod.optin !== undefined || s._zod.optout !== undefined)
    throw new Unsupported(`an optional ${def.type} (optional is compiled as an object field only)`);
  const checksOf = (into: Deps) => (def.checks ?? []).map((ch) => checkTest(ch, into));
  const all = (type: string) => ({ test: [type, ...checksOf(deps)].map((t) => `(${t})`).join(" && ") });
  switch (def.type) {
    case "string":
      return all(`typeof v === "string"`);
    case "number":
      return all(`typeof v === "number" && Number.isFinite(v)`);
    case "boolean":
      return all(`typeof v === "boolean"`);
    case "enum":
    case "literal": {
      const values = s._zod.values;
      if (values === undefined) throw new Unsupported(`a ${def.type} without values`);
      const listed = [...values];
      // A Set's has() is SameValueZero, which for strings is ===.
      if (listed.length <= 16 && listed.every((x) => typeof x === "string"))
        return all(listed.map((x) => `v === ${JSON.stringify(x)}`).join(" || "));
      return all(`${deps.name(values)}.has(v)`);
    }
    case "union": {
      const union = s as z.core.$ZodUnion;
      if (typeof (union._zod.def as z.core.$ZodDiscriminatedUnionDef).discriminator === "string")
        return withChecks(discriminatedUnion(union as z.core.$ZodDiscriminatedUnion, path, unsupported), checksOf);
      const options = union._zod.def.options.map((o, i) => compile(o, `${path}|${i}`, unsupported, deps));
      // zod returns the first option that passes; only when each returns its input is "any we vouch for" the same.
      const tests = options.map((o) => ("test" in o ? o.test : undefined));
      if (tests.some((t) => t === undefined)) throw new Unsupported("a union of non-leaves");
      return all(tests.map((t) => `(${t})`).join(" || "));
    }
    case "array":
      return { parse: array(s as z.core.$ZodArray, path, unsupported) };
    default: // "object"
      return withChecks({ parse: object(s as z.core.$ZodObject, path, unsupported) }, checksOf);
  }
}

/** An object or union's own checks, on its output. */
function withChecks(part: { parse: Parse }, checksOf: (into: Deps) => string[]): Compiled {
  const deps = new Deps();
  const checks = checksOf(deps);
  if (checks.length === 0) return part;
  const source = `const v = inner(input); return v !== DOUBT && ${checks.map((t) => `(${t})`).join(" && ")} ? v : DOUBT;`;
  return { parse: generate(["inner", "DOUBT", ...deps.values.map((_, i) => `d${i}`)], source)(part.parse, DOUBT, ...deps.values) };
}

/**
 * A check as an expression over `v`: the common kinds read from their definitions, a `.refine` calls its
 * function, anything else runs zod's own check on a scratch payload (and doubts if it would change the value).
 */
function checkTest(ch: Check, deps: Deps): string {
  const def = ch._zod.def as z.core.$ZodCheckDef & Record<string, unknown>;
  const run = (v: unknown) => {
    const payload: z.core.ParsePayload = { value: v, issues: [] };
    const r = ch._zod.check(payload as z.core.ParsePayload<never>);
    return !(r instanceof Promise) && payload.issues.length === 0 && payload.value === v;
  };
  switch (def.check) {
    // zod measures a string in code points (a surrogate pair counts once) and an array in elements. A code
    // point is one or two UTF-16 units, so `length` decides alone except in a band where zod counts.
    case "min_length": {
      const min = def.minimum as number;
      if (min <= 1) return `v.length >= ${deps.number(min)}`;
      return `v.length >= ${deps.number(2 * min)} || (v.length >= ${deps.number(min)} && ${deps.name(run)}(v))`;
    }
    case "max_length":
      return `v.length <= ${deps.number(def.maximum as number)} || ${deps.name(run)}(v)`;
    case "greater_than":
      if (typeof def.value !== "number") break;
      return `v ${def.inclusive ? ">=" : ">"} ${deps.number(def.value)}`;
    case "less_than":
      if (typeof def.value !== "number") break;
      return `v ${def.inclusive ? "<=" : "<"} ${deps.number(def.value)}`;
    case "number_format":
      if (def.format === "safeint") return "Number.isSafeInteger(v)";
      break;
    case "custom": {
      const fn = def.fn;
      if (def.type === "custom" && typeof fn === "function") {
        const refine = (v: unknown) => {
          const r = (fn as (v: unknown) => unknown)(v);
          return !(r instanceof Promise) && Boolean(r);
        };
        return `${deps.name(refine)}(v)`;
      }
      break;
    }
    case "overwrite":
      throw new Unsupported("an overwrite check (trim, toLowerCase, …)");
  }
  return `${deps.name(run)}(v)`;
}

function discriminatedUnion(s: z.core.$ZodDiscriminatedUnion, path: string, unsupported: string[]): { parse: Parse } {
  const def = s._zod.def;
  if (def.unionFallback) throw new Unsupported("a discriminated union with unionFallback");
  const key = def.discriminator;
  const byValue = new Map<unknown, Parse>();
  for (const option of def.options) {
    const values = option._zod.propValues?.[key];
    if (values === undefined) throw new Unsupported(`an option without a ${key}`);
    const name = [...values].map(String).join("|");
    const compiled = compilePart(option, path ? `${path}<${name}>` : name, unsupported);
    if (!("parse" in compiled)) throw new Unsupported(`an option that is not an object`);
    for (const value of values) byValue.set(value, compiled.parse);
  }
  return {
    parse: (v) => {
      // The option checks that it is a plain object.
      if (typeof v !== "object" || v === null) return DOUBT;
      const option = byValue.get((v as Record<string, unknown>)[key]);
      return option === undefined ? DOUBT : option(v);
    },
  };
}

/**
 * An object's parse, generated: one constant key per field and each leaf's test inline. It builds the output
 * as zod builds it: the shape's keys in the shape's order, then the input's other keys in the input's order.
 */
function object(s: z.core.$ZodObject, path: string, unsupported: string[]): Parse {
  const def = s._zod.def;
  const deps = new Deps();
  const lines = ["if (!isPlainObject(input)) return DOUBT;", "let v, r;", "const out = {};"];
  for (const [key, f] of Object.entries(def.shape)) {
    // zod neither checks nor copies a declared `__proto__` (assigning it would replace the output's prototype).
    if (key === "__proto__") continue;
    const at = path ? `${path}.${key}` : key;
    const k = JSON.stringify(key);
    let field = f;
    const optional = f._zod.def.type === "optional";
    if (optional) {
      if ((f._zod.def.checks ?? []).length > 0) throw Object.assign(new Unsupported("a checked optional"), { path: at });
      field = (f as z.core.$ZodOptional)._zod.def.innerType;
    }
    const c = compile(field, at, unsupported, deps);
    const take =
      "test" in c
        ? `if (!(${c.test})) return DOUBT; out[${k}] = v;`
        : `r = ${deps.name(c.parse)}(v); if (r === DOUBT) return DOUBT; out[${k}] = r;`;
    lines.push(`v = input[${k}];`, optional ? `if (v !== undefined) { ${take} } else if (${k} in input) out[${k}] = undefined;` : take);
  }
  const catchall = def.catchall?._zod.def.type;
  if (def.catchall !== undefined) {
    lines.push(`for (const k of Object.keys(input)) { if (${deps.name(new Set(Object.keys(def.shape)))}.has(k)) continue;`);
    // An undeclared `__proto__` is not copied either (a strict object refuses it as an unknown key).
    if (catchall !== "never") lines.push('if (k === "__proto__") continue;');
    if (catchall === "unknown" || catchall === "any") lines.push("out[k] = input[k];");
    else if (catchall === "never") lines.push("return DOUBT;");
    else {
      const c = compile(def.catchall, `${path}[*]`, unsupported, deps);
      lines.push("v = input[k];");
      lines.push(
        "test" in c
          ? `if (!(${c.test})) return DOUBT; out[k] = v;`
          : `r = ${deps.name(c.parse)}(v); if (r === DOUBT) return DOUBT; out[k] = r;`,
      );
    }
    lines.push("}");
  }
  lines.push("return out;");
  const names = ["DOUBT", "isPlainObject", ...deps.values.map((_, i) => `d${i}`)];
  return generate(names, lines.join("\n"))(DOUBT, isPlainObject, ...deps.values);
}

/**
 * An array's parse: zod returns a new plain array of each element's output, then runs the array's checks
 * (lengths) on it. Only plain arrays are vouched for (a subclass or an array with another prototype: zod).
 */
function array(s: z.core.$ZodArray, path: string, unsupported: string[]): Parse {
  const def = s._zod.def;
  const deps = new Deps();
  const element = compile(def.element, `${path}[]`, unsupported, deps);
  const checks = (def.checks ?? []).map((ch) => checkTest(ch, deps));
  const take =
    "test" in element
      ? `if (!(${element.test})) return DOUBT; out[i] = v;`
      : `v = ${deps.name(element.parse)}(v); if (v === DOUBT) return DOUBT; out[i] = v;`;
  const lines = [
    "if (!Array.isArray(input) || Object.getPrototypeOf(input) !== Array.prototype) return DOUBT;",
    "const n = input.length;",
    "const out = new Array(n);",
    "let v;",
    `for (let i = 0; i < n; i++) { v = input[i]; ${take} }`,
    "v = out;",
    ...checks.map((t) => `if (!(${t})) return DOUBT;`),
    "return out;",
  ];
  const names = ["DOUBT", ...deps.values.map((_, i) => `d${i}`)];
  return generate(names, lines.join("\n"))(DOUBT, ...deps.values);
}

/** `(input) => { source }` closing over `names`; Unsupported where code generation is disallowed. */
function generate(names: string[], source: string): (...deps: unknown[]) => Parse {
  try {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- built from the schema: keys quoted by JSON.stringify, values passed in
    return new Function(...names, `return (input) => {\n${source}\n};`) as (...deps: unknown[]) => Parse;
  } catch {
    throw new Unsupported("code generation is disallowed here (--disallow-code-generation-from-strings)");
  }
}
