import { z } from "zod";
import type { RouteContract } from "./contract.js";

/**
 * A schema the document names in `components.schemas` (with an `id`), and the description it carries wherever
 * it appears. Without an `id` the entry only describes (a shared leaf such as the event time).
 */
export type NamedSchema = readonly [schema: z.ZodType, meta: { id?: string; description?: string }];

export interface DocumentInfo {
  title: string;
  version: string;
  description: string;
}

const COMPONENTS = "#/components/schemas/";
type Json = Record<string, unknown>;

/**
 * The OpenAPI 3.1 document of `routes`, generated from their zod schemas with zod 4's JSON Schema output (OpenAPI
 * 3.1 schemas are JSON Schema 2020-12). Schemas listed in `named` become `components.schemas` entries and
 * are referenced wherever a route's schema contains them. Path parameters, queries and headers are documented
 * as the values they parse to (a `limit` that parses to an integer from 1 to 200 is an integer query
 * parameter); a request body as it is sent (zod's input); a response as it is answered (zod's output).
 */
export function openApiDocument(info: DocumentInfo, routes: readonly RouteContract[], named: readonly NamedSchema[]): Json {
  const registry = z.registry<{ id?: string; description?: string }>();
  const ids = new Set<string>();
  for (const [schema, meta] of named) {
    if (meta.id !== undefined) {
      if (ids.has(meta.id)) throw new Error(`openapi: two schemas are named ${meta.id}`);
      ids.add(meta.id);
    }
    registry.add(schema, meta);
  }
  const options = { metadata: registry, unrepresentable: "any", target: "draft-2020-12", override: amend } as const;
  const convert = (schema: z.ZodType, io: "input" | "output"): Json => {
    const id = registry.get(schema)?.id;
    if (id !== undefined) return { $ref: `${COMPONENTS}${id}` };
    return relink(z.toJSONSchema(schema, { ...options, io }), ids);
  };

  const schemas: Record<string, Json> = {};
  if (ids.size > 0) {
    const all = z.toJSONSchema(registry, { ...options, io: "output", uri: (id) => `${COMPONENTS}${id}` });
    for (const [id, s] of Object.entries(all.schemas)) {
      const { $id: _id, $schema: _schema, id: _name, ...rest } = s;
      schemas[id] = rest;
    }
  }

  const paths: Record<string, Record<string, Json>> = {};
  for (const r of routes) {
    const operations = (paths[r.path] ??= {});
    if (operations[r.method] !== undefined) throw new Error(`openapi: ${r.method.toUpperCase()} ${r.path} is described twice`);
    const parameters = [
      ...parametersOf(r.params, "path", convert),
      ...parametersOf(r.query, "query", convert),
      ...parametersOf(r.headers, "header", convert),
    ];
    const declared = parameters.filter((p) => p.in === "path").map((p) => p.name);
    const inPath = [...r.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    if (declared.join() !== inPath.join())
      throw new Error(
        `openapi: ${r.method.toUpperCase()} ${r.path} declares path parameters [${declared.join(",")}] for [${inPath.join(",")}]`,
      );
    operations[r.method] = {
      tags: [r.tag],
      summary: r.summary,
      ...(r.description === undefined ? {} : { description: r.description }),
      ...(r.security === "bearer" ? { security: [{ bearer: [] }] } : { security: [] }),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(r.body === undefined
        ? {}
        : {
            requestBody: {
              required: true,
              ...(r.body.description === undefined ? {} : { description: r.body.description }),
              content: { [r.body.contentType ?? "application/json"]: { schema: convert(r.body.schema, "input") } },
            },
          }),
      responses: Object.fromEntries(
        Object.entries(r.responses).map(([status, res]) => [
          status,
          {
            description: res.description,
            ...(res.headers === undefined
              ? {}
              : {
                  headers: Object.fromEntries(
                    Object.entries(res.headers).map(([h, d]) => [h, { description: d, schema: { type: "string" } }]),
                  ),
                }),
            ...(res.body === undefined
              ? {}
              : { content: { [res.contentType ?? "application/json"]: { schema: convert(res.body, "output") } } }),
          },
        ]),
      ),
    };
  }

  return {
    openapi: "3.1.0",
    info,
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "A token from `apiTokens` in the configuration, scoped to shops" },
      },
      schemas,
    },
    paths,
  };
}

/**
 * Two amendments to zod's output. The document's registry replaces zod's global one, where `.describe()` puts
 * a description: those are copied in, so a schema's own description (a query parameter's, a field's) reaches
 * the document. And an object that strips unknown keys (zod's default) does not forbid them: zod's output
 * form says `additionalProperties: false`, but an answer may gain fields (events.md: new fields may appear),
 * so only a strict object (`.strict()`, a silence's input) keeps it.
 */
function amend(ctx: { zodSchema: unknown; jsonSchema: Record<string, unknown> }): void {
  const schema = ctx.zodSchema as z.ZodType;
  const description = z.globalRegistry.get(schema)?.description;
  if (description !== undefined && ctx.jsonSchema.description === undefined) ctx.jsonSchema.description = description;
  const def = schema._zod.def as { type: string; catchall?: z.ZodType };
  if (def.type === "object" && def.catchall === undefined && ctx.jsonSchema.additionalProperties === false)
    delete ctx.jsonSchema.additionalProperties;
}

type Parameter = { name: string; in: "path" | "query" | "header"; required: boolean; description?: string; schema: Json };

function parametersOf(
  shape: z.ZodObject | undefined,
  where: Parameter["in"],
  convert: (s: z.ZodType, io: "input" | "output") => Json,
): Parameter[] {
  if (shape === undefined) return [];
  const object = convert(shape, "output");
  const properties = (object.properties ?? {}) as Record<string, Json>;
  const required = new Set((object.required ?? []) as string[]);
  return Object.entries(properties).map(([name, schema]) => {
    const { description, ...rest } = schema;
    return {
      name,
      in: where,
      // A path parameter is always required (OpenAPI); a query parameter with a default is not.
      required: where === "path" || (required.has(name) && rest.default === undefined),
      ...(typeof description === "string" ? { description } : {}),
      schema: rest,
    };
  });
}

/**
 * zod puts a named schema met inside another under `$defs` with a local `$ref`; in the document it is a
 * component. Anything else under `$defs` (a recursive schema without a name) would not resolve from inside
 * the document, so it is an error here rather than a dangling reference there.
 */
function relink(schema: Json, ids: ReadonlySet<string>): Json {
  const { $schema: _schema, $defs, ...rest } = schema;
  for (const name of Object.keys($defs ?? {}))
    if (!ids.has(name)) throw new Error(`openapi: a schema needs a definition ${name} that has no name in the document; name it`);
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v !== "object" || v === null) return v;
    const out: Json = {};
    for (const [k, x] of Object.entries(v as Json)) {
      if (k === "$ref" && typeof x === "string" && x.startsWith("#/$defs/")) out[k] = `${COMPONENTS}${x.slice("#/$defs/".length)}`;
      else out[k] = walk(x);
    }
    return out;
  };
  return walk(rest) as Json;
}
