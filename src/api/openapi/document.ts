// The OpenAPI 3.1 document, built from the operations table. OpenAPI 3.1 schemas are JSON
// Schema draft 2020-12, which zod 4 writes itself; request schemas are converted as input
// (defaults optional, transforms by what they accept), responses as output.
import { z } from 'zod';
import { describePermission } from '../permissions';
import { type Operation, operations, pathParams, problemStatuses, type Reply, tags } from '../routeTable';
import { components, problem } from './responses';

type JsonSchema = Record<string, unknown>;

const PROBLEMS: Record<number, string> = {
  400: 'The body is not valid JSON.',
  401: 'No valid API token: send `Authorization: Bearer <token>`.',
  403: "The caller's role does not allow this (see the permission above).",
  404:
    'Nothing by that id (an id that is not a UUID names nothing either), or a tenant the caller ' +
    'is no member of: its existence is not revealed.',
  409: 'The request conflicts with the current state; `code` says how.',
  413: 'The body is larger than 256 kB.',
  415: 'The body is not `application/json`, or its charset or content encoding is not supported.',
  422: 'A field or query parameter is invalid; `errors` names each one.',
  429:
    "The user's requests per minute (all of their tokens together) are used up, or too many " +
    'requests with a missing or invalid token came from this address; retry after the ' +
    '`Retry-After` seconds.',
  503:
    'The database is unavailable (`database_unavailable`): retry after the `Retry-After` seconds. ' +
    'On routes that start runs also: Temporal is unavailable (`temporal_unavailable`); nothing was started.',
};

// zod adds its own regexes next to `format` (uuid, date-time), and bounds every z.int() by the
// safe-integer range. Neither says more than `format` and `integer` do; the regexes would make
// every id a wall of text, and Swagger UI would show -9007199254740991 as the example count.
const tidy = ({ jsonSchema }: { jsonSchema: JsonSchema }) => {
  if (jsonSchema.format) delete jsonSchema.pattern;
  if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
  if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
};

function toSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, override: tidy });
  return rest;
}

/**
 * A request body as documented. A body that transforms (a schedule becomes its stored form) is a
 * pipe, whose input side zod writes without the pipe's own metadata: its examples and
 * description are taken from the schema itself.
 */
function bodySchema(body: z.ZodType): JsonSchema {
  const schema = toSchema(body, 'input');
  const meta = z.globalRegistry.get(body);
  if (meta?.examples && !schema.examples) schema.examples = meta.examples;
  if (meta?.description && !schema.description) schema.description = meta.description;
  return schema;
}

const ref = (schema: z.ZodType) => {
  const id = components.get(schema)?.id;
  if (!id) throw new Error('a response schema must come from ./responses');
  return { $ref: `#/components/schemas/${id}` };
};

function componentSchemas(): Record<string, JsonSchema> {
  const { schemas } = z.toJSONSchema(components, {
    target: 'draft-2020-12',
    uri: (id) => `#/components/schemas/${id}`,
    override: tidy,
  });
  // Each is a schema inside this document, not a document of its own.
  return Object.fromEntries(
    Object.entries(schemas).map(([id, { $schema: _, $id: __, ...schema }]) => [id, schema]),
  );
}

function parameters(op: Operation) {
  const inPath = [...op.path.matchAll(/:(\w+)/g)].map(([, name]) => {
    const schema = name ? pathParams[name] : undefined;
    if (!name || !schema) throw new Error(`describe the path parameter ${name} in pathParams`);
    const { description, ...rest } = toSchema(schema, 'input');
    return { name, in: 'path', required: true, description, schema: rest };
  });
  const query = op.query ? toSchema(op.query, 'input') : {};
  const required = new Set((query.required as string[] | undefined) ?? []);
  const inQuery = Object.entries((query.properties as Record<string, JsonSchema> | undefined) ?? {}).map(
    ([name, schema]) => ({ name, in: 'query', required: required.has(name), schema }),
  );
  return [...inPath, ...inQuery];
}

function reply({ description, schema, contentType, location }: Reply) {
  return {
    description,
    ...(location ? { headers: { Location: { schema: { type: 'string' } } } } : {}),
    ...(schema || contentType
      ? {
          content: Object.fromEntries(
            [contentType ?? 'application/json']
              .flat()
              .map((type) => [type, schema ? { schema: ref(schema) } : {}]),
          ),
        }
      : {}),
  };
}

function operationObject(op: Operation) {
  const responses: Record<string, unknown> = {};
  for (const [status, r] of Object.entries(op.replies)) responses[status] = reply(r);
  for (const status of problemStatuses(op)) {
    responses[status] = reply({
      description: PROBLEMS[status] ?? 'A problem.',
      schema: problem,
      contentType: 'application/problem+json',
    });
  }
  const params = parameters(op);
  const permission = `Permission: ${describePermission(op.permission)}.`;
  return {
    operationId: op.operationId,
    summary: op.summary,
    description: op.description ? `${op.description}\n\n${permission}` : permission,
    'x-permission': op.permission,
    tags: [op.tag],
    ...(op.permission === 'public' ? { security: [] } : {}),
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(op.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: bodySchema(op.body) } },
          },
        }
      : {}),
    responses,
  };
}

/** `/v1/tenants/:tenantId` as OpenAPI writes it: `/v1/tenants/{tenantId}`. */
export const openApiPath = (expressPath: string) => expressPath.replace(/:(\w+)/g, '{$1}');

export function buildOpenApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const path = openApiPath(op.path);
    paths[path] = { ...paths[path], [op.method]: operationObject(op) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'TenantVault API',
      version: '1',
      description:
        'Scheduled, immutable backups of Microsoft Intune configuration. Lists take `limit` and ' +
        '`cursor` and answer `{ items, nextCursor }`; a cursor is an opaque string: pass ' +
        '`nextCursor` back unchanged. Unknown body fields are rejected; errors ' +
        'are RFC 9457 problem details. Each operation names the permission it needs ' +
        '(`x-permission`): tenant roles are readonly, operator, manager and owner, each allowed ' +
        'what the one before is and more; platform admins act in every tenant. In a tenant the ' +
        'caller is no member of, every route answers 404; a member whose role is too low gets 403.',
    },
    tags: tags.map((tag) => ({ ...tag })),
    security: [{ bearerAuth: [] }],
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API token.' },
      },
      schemas: componentSchemas(),
    },
  };
}
