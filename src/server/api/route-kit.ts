/**
 * How an API route is declared: its input schemas (zod), its response, and a handler that only ever sees valid
 * input. The same declarations make the OpenAPI document, so a route cannot exist without being described.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ApiErrorBody } from './contract.ts';
import { apiErrorBody } from './schemas.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RouteResponse {
  status: number;
  description: string;
  /** JSON body; absent for no body or a non-JSON one. */
  schema?: z.ZodType;
  /** For non-JSON bodies (text/csv, text/event-stream, Prometheus text). */
  contentType?: string;
}

export interface RouteSpec<Body extends z.ZodType, Query extends z.ZodType, Params extends z.ZodType> {
  method: HttpMethod;
  /** fastify form: /api/mappings/:object */
  url: string;
  summary: string;
  tag: string;
  body?: Body;
  query?: Query;
  params?: Params;
  response: RouteResponse;
  /** Other answers besides 400 (invalid input) and 401 (not signed in), which every protected route has. */
  errors?: Array<{ status: number; description: string }>;
  /** Callable without the token or a session (login, the session probe). */
  public?: boolean;
}

export interface RouteInput<Body, Query, Params> {
  body: Body;
  query: Query;
  params: Params;
}

type Described = RouteSpec<z.ZodType, z.ZodType, z.ZodType>;

export function apiError(reply: FastifyReply, status: number, error: string, message: string, issues?: ApiErrorBody['issues']): FastifyReply {
  const body: ApiErrorBody = issues ? { error, message, issues } : { error, message };
  return reply.code(status).send(body);
}

/** A refusal a handler throws: the route answers with this status and message. */
export class ApiRefusal extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
    readonly issues?: ApiErrorBody['issues'],
  ) {
    super(message);
    this.name = 'ApiRefusal';
  }
}

export function invalid(issues: NonNullable<ApiErrorBody['issues']>): ApiRefusal {
  return new ApiRefusal(400, 'invalid_request', issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '), issues);
}

function issuesOf(error: z.ZodError): NonNullable<ApiErrorBody['issues']> {
  return error.issues.flatMap((issue) => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ path: path ? `${path}.${key}` : key, message: 'unknown field' }));
    return [{ path: path || '(body)', message: issue.message }];
  });
}

/** The routes of the API, collected as they are registered. */
export class ApiRoutes {
  readonly specs: Described[] = [];

  constructor(
    private readonly app: FastifyInstance,
    /** "METHOD /url" of the public routes, which the authentication hook lets through. */
    private readonly publicRoutes: Set<string>,
  ) {}

  /** Runs before the server stops listening: long-lived responses (event streams) end there, or close() would wait on them. */
  beforeClose(run: () => void): void {
    this.app.addHook('preClose', async () => run());
  }

  add<Body extends z.ZodType = z.ZodUndefined, Query extends z.ZodType = z.ZodUndefined, Params extends z.ZodType = z.ZodUndefined>(
    spec: RouteSpec<Body, Query, Params>,
    handler: (input: RouteInput<z.output<Body>, z.output<Query>, z.output<Params>>, request: FastifyRequest, reply: FastifyReply) => Promise<unknown>,
  ): void {
    this.specs.push(spec as unknown as Described);
    if (spec.public) {
      this.publicRoutes.add(`${spec.method} ${spec.url}`);
      if (spec.method === 'GET') this.publicRoutes.add(`HEAD ${spec.url}`);
    }
    this.app.route({
      method: spec.method,
      url: spec.url,
      handler: async (request, reply) => {
        const parts: Array<[keyof RouteInput<unknown, unknown, unknown>, z.ZodType | undefined, unknown]> = [
          ['params', spec.params, request.params],
          ['query', spec.query, request.query],
          ['body', spec.body, request.body],
        ];
        const input: Record<string, unknown> = {};
        const issues: NonNullable<ApiErrorBody['issues']> = [];
        for (const [name, schema, value] of parts) {
          if (!schema) continue;
          const parsed = schema.safeParse(value);
          if (parsed.success) input[name] = parsed.data;
          else issues.push(...issuesOf(parsed.error));
        }
        if (issues.length > 0) return sendRefusal(reply, invalid(issues));
        try {
          return await handler(input as unknown as RouteInput<z.output<Body>, z.output<Query>, z.output<Params>>, request, reply);
        } catch (error) {
          if (error instanceof ApiRefusal) return sendRefusal(reply, error);
          throw error;
        }
      },
    });
  }
}

function sendRefusal(reply: FastifyReply, refusal: ApiRefusal): FastifyReply {
  return apiError(reply, refusal.status, refusal.error, refusal.message, refusal.issues);
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
  return rest;
}

/** /api/mappings/:object → /api/mappings/{object} */
export function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z_]+)/g, '{$1}');
}

function parametersOf(spec: Described): unknown[] {
  const parameters: unknown[] = [];
  for (const [where, schema] of [['path', spec.params], ['query', spec.query]] as const) {
    if (!schema) continue;
    const described = jsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, property] of Object.entries(described.properties ?? {})) {
      parameters.push({ name, in: where, required: where === 'path' || (described.required ?? []).includes(name), schema: property });
    }
  }
  return parameters;
}

/** The OpenAPI 3.1 document of the routes (plus the ones outside /api the caller adds). */
export function openApiDocument(specs: readonly Described[], info: { version: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const errorContent = { 'application/json': { schema: jsonSchema(apiErrorBody, 'output') } };
  for (const spec of specs) {
    const responses: Record<string, unknown> = {
      [String(spec.response.status)]: {
        description: spec.response.description,
        ...(spec.response.schema
          ? { content: { 'application/json': { schema: jsonSchema(spec.response.schema, 'output') } } }
          : spec.response.contentType
            ? { content: { [spec.response.contentType]: { schema: { type: 'string' } } } }
            : {}),
      },
    };
    const standard = spec.public ? [] : [{ status: 401, description: 'no admin token or session' }];
    for (const error of [{ status: 400, description: 'invalid input: each field and the reason' }, ...standard, ...(spec.errors ?? [])]) {
      responses[String(error.status)] = { description: error.description, content: errorContent };
    }
    const operation: Record<string, unknown> = {
      summary: spec.summary,
      tags: [spec.tag],
      operationId: `${spec.method.toLowerCase()}${openApiPath(spec.url).replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      parameters: parametersOf(spec),
      responses,
      ...(spec.public ? { security: [] } : {}),
    };
    if (spec.body) operation.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(spec.body, 'input') } } };
    (paths[openApiPath(spec.url)] ??= {})[spec.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'crmsync HTTP API',
      version: info.version,
      description:
        'Sync Health, settings, mappings and control of a crmsync service. Authenticate with `Authorization: Bearer <CRMSYNC_ADMIN_TOKEN>`, ' +
        'or with the UI session cookie plus `X-CSRF-Token` on every change.',
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'CRMSYNC_ADMIN_TOKEN' },
        session: { type: 'apiKey', in: 'cookie', name: 'crmsync_session', description: 'from POST /api/session; changes also need the X-CSRF-Token header' },
      },
    },
    security: [{ bearer: [] }, { session: [] }],
    paths,
  };
}
