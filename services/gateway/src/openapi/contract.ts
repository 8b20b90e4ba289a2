import { z } from "zod";

/**
 * A route's contract: what `/openapi.json` says about it, stated with the zod schemas the route validates with
 * (its path parameters, query, headers and body) and the schemas of what it answers. The document is generated
 * from these (document.ts); `openapi.unit.test.ts` fails when a registered route has none.
 */
export type HttpMethod = "get" | "post" | "put" | "patch" | "delete";

export interface ResponseContract {
  description: string;
  /** The body's schema (JSON unless `contentType` says otherwise); absent: no body worth a schema. */
  body?: z.ZodType;
  /** Default `application/json`. */
  contentType?: string;
  /** Response headers worth naming (Retry-After, Location…), with a description each. */
  headers?: Record<string, string>;
}

export interface RouteContract {
  method: HttpMethod;
  /** The OpenAPI path: `{name}` for a path parameter (fastify's `:name`, see `fastifyPath`). */
  path: string;
  summary: string;
  description?: string;
  /** Groups routes in the document (intake, read, silences, deliveries, webhooks, board, meta). */
  tag: string;
  /** `bearer`: an API token from `apiTokens`; absent: no token (webhooks authenticate by signature). */
  security?: "bearer";
  params?: z.ZodObject;
  query?: z.ZodObject;
  headers?: z.ZodObject;
  body?: { schema: z.ZodType; contentType?: string; description?: string };
  /** By status code. */
  responses: Record<string, ResponseContract>;
}

/** Identity, typed: `export const listThings = route({ … })` in a route module. */
export function route(contract: RouteContract): RouteContract {
  return contract;
}

/** fastify's form of an OpenAPI path: `/v1/silences/{id}` → `/v1/silences/:id`. */
export function fastifyPath(path: string): string {
  return path.replace(/\{([^}]+)\}/g, ":$1");
}

/** The OpenAPI form of a fastify path: `/v1/silences/:id` → `/v1/silences/{id}`. */
export function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
}

/**
 * The body of every refusal (`refuse` in http/context.ts): the reason, a message, and per reason more fields
 * (problems by field; quota, limit, used; limit, max).
 */
export const Problem = z.object({
  index: z.number().int().nullable().optional().describe("Position in the request's array of events, when the request had one"),
  field: z.string(),
  reason: z.string(),
});
export const Refusal = z
  .object({
    error: z.string().describe("The refusal reason, e.g. invalid_event, forbidden, rate_limited"),
    message: z.string(),
    problems: z.array(Problem).optional(),
  })
  .catchall(z.unknown());

/** A refusal answer (its body is `Refusal`). */
export function refusal(description: string, headers?: Record<string, string>): ResponseContract {
  return { description, body: Refusal, ...(headers ? { headers } : {}) };
}

const RETRY_AFTER = { "Retry-After": "Seconds to wait before trying again" };

/** The refusals of every route behind `requireToken`. */
export const TOKEN_REFUSALS: Record<string, ResponseContract> = {
  "401": refusal("No token, or an unknown one"),
  "403": refusal("The token does not list the shop"),
  "429": refusal("Too many requests for this token, or too many failed authentications from this address (see Retry-After)", RETRY_AFTER),
};

export { RETRY_AFTER };
