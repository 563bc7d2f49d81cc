// The reference teaches by example: every request body and every response object carries an
// example that its own schema accepts (zod's parse, which is what the API runs, and Ajv over the
// JSON Schema the document shows), and every field says what it is. A failure names the
// operation and the field path, so a new route's gaps are found by name.
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { z } from 'zod';
import { buildOpenApiDocument, openApiPath } from '../../src/api/openapi/document';
import { problem, components as registry } from '../../src/api/openapi/responses';
import { operations } from '../../src/api/routeTable';
import { POLICY_TYPE_KEYS } from '../../src/graph';

type JsonSchema = Record<string, unknown> & {
  $ref?: string;
  description?: string;
  examples?: unknown[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
};

const document = buildOpenApiDocument();
const components = document.components.schemas as Record<string, JsonSchema>;
/** A response schema's JSON Schema, by the id the registry gives it. */
function component(schema: z.ZodType): JsonSchema {
  const id = registry.get(schema)?.id;
  if (!id || !components[id]) throw new Error('a response schema must be a component');
  return components[id];
}
const componentOf = (schema: JsonSchema) =>
  schema.$ref ? components[schema.$ref.replace('#/components/schemas/', '')] : undefined;

/** What the reference shows for one body or one response: where, its JSON Schema, its zod schema. */
interface Shown {
  where: string;
  schema: JsonSchema;
  zod?: z.ZodType;
}

const shown: Shown[] = operations.flatMap((op) => {
  const bodies: Shown[] = op.body
    ? [
        {
          where: `${op.operationId} request body`,
          // biome-ignore lint/suspicious/noExplicitAny: the document is walked, not typed
          schema: (document.paths[openApiPath(op.path)] as Record<string, any>)[op.method].requestBody
            .content['application/json'].schema,
          zod: op.body,
        },
      ]
    : [];
  const replies = Object.entries(op.replies).flatMap(([status, reply]) =>
    reply.schema
      ? [
          {
            where: `${op.operationId} ${status} response`,
            schema: component(reply.schema),
            zod: reply.schema,
          },
        ]
      : [],
  );
  return [...bodies, ...replies];
});
shown.push({ where: 'every problem response', schema: components.Problem!, zod: problem });

/** Every property at or below a schema without a description: `field.path` names each. */
function undescribed(schema: JsonSchema, path: string, seen: Set<string>): string[] {
  const component = componentOf(schema);
  if (component) {
    if (seen.has(schema.$ref!)) return [];
    return undescribed(component, path, new Set([...seen, schema.$ref!]));
  }
  const variants = [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])];
  const found = variants.flatMap((variant) => undescribed(variant, path, seen));
  if (schema.items) found.push(...undescribed(schema.items, `${path}[]`, seen));
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const at = path ? `${path}.${name}` : name;
    if (!property.description && !componentOf(property)?.description) found.push(at);
    found.push(...undescribed(property, at, seen));
  }
  return [...new Set(found)];
}

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addFormat('iana-time-zone', true);

function ajvErrors(schema: JsonSchema, example: unknown): string[] {
  const validate = ajv.compile({ ...schema, components: document.components });
  return validate(example)
    ? []
    : (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message}`);
}

function exampleProblems({ where, schema, zod }: Shown): string[] {
  if (!schema.examples?.length) return [`${where}: no example (.meta({ examples: [...] }))`];
  return schema.examples.flatMap((example, index) => [
    ...ajvErrors(schema, example).map((error) => `${where}: example ${index}: ${error}`),
    ...(zod?.safeParse(example).error?.issues ?? []).map(
      (issue) => `${where}: example ${index}: ${issue.path.join('.') || '(root)'}: ${issue.message}`,
    ),
  ]);
}

const descriptionProblems = ({ where, schema }: Shown) =>
  undescribed(schema, '', new Set()).map((field) => `${where}: ${field} has no description (.describe)`);

const gaps = (check: (s: Shown) => string[], which: (s: Shown) => boolean) => [
  ...new Set(shown.filter(which).flatMap(check)),
];
const isRequest = (s: Shown) => s.where.endsWith('request body') || s.where === 'every problem response';

test('every request body and the problem body have examples their schemas accept', () => {
  expect(gaps(exampleProblems, isRequest)).toEqual([]);
});

test('every field of every request body and of the problem body has a description', () => {
  expect(gaps(descriptionProblems, isRequest)).toEqual([]);
});

test('every response object has examples its schema accepts', () => {
  expect(gaps(exampleProblems, (s) => !isRequest(s))).toEqual([]);
});

test('every field of every response object has a description', () => {
  expect(gaps(descriptionProblems, (s) => !isRequest(s))).toEqual([]);
});

test('policy types are the registry keys, and the time zone says its format', () => {
  const create = shown.find((s) => s.where === 'createBackupSchedule request body')!.schema;
  expect(create.properties?.policyTypes?.items?.enum).toEqual([...POLICY_TYPE_KEYS]);
  expect(create.properties?.timezone).toMatchObject({
    format: 'iana-time-zone',
    examples: ['Europe/Berlin'],
  });
  expect(create.properties?.timezone?.description).toMatch(/IANA time zone/);
});
