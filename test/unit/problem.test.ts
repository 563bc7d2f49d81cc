import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import {
  DATABASE_RETRY_AFTER_SECONDS,
  invalidRequest,
  ProblemError,
  problemMiddleware,
} from '../../src/api/problem';
import { Prisma } from '../../src/db/client';
import type { Logger } from '../../src/logging/logger';
import {
  ConflictError,
  InvalidFieldsError,
  NotFoundError,
  UnavailableError,
} from '../../src/services/errors';

// A real Express app on an ephemeral port: each route throws one kind of error, so the
// middleware's mapping and the response headers are seen exactly as a client sees them.
const logged: unknown[][] = [];
const warned: unknown[][] = [];
const logger = {
  error: (...args: unknown[]) => logged.push(args),
  warn: (...args: unknown[]) => warned.push(args),
} as unknown as Logger;

const INTERNAL = 'connect ECONNREFUSED 10.0.0.5:5432 password=hunter2';
const thrown: Record<string, unknown> = {
  'not-found': new NotFoundError('backup schedule'),
  conflict: new ConflictError('a schedule with this name exists', 'duplicate_name', 'name'),
  'conflict-no-field': new ConflictError('a run is in progress', 'run_in_progress'),
  unavailable: new UnavailableError('Temporal is unreachable', 'temporal_unavailable'),
  problem: new ProblemError(418, 'teapot', 'I am a teapot', 'short and stout'),
  invalid: invalidRequest([{ field: 'retention.keepLast', message: 'too big' }]),
  'invalid-fields': new InvalidFieldsError([
    { field: 'graphBaseUrl', message: 'refused: 10.0.0.1 is a private address' },
    { field: 'loginBaseUrl', message: 'refused: must be an https:// URL' },
  ]),
  'parse-failed': Object.assign(new Error('Unexpected token } in JSON at position 12'), {
    status: 400,
    type: 'entity.parse.failed',
  }),
  'too-large': Object.assign(new Error('request entity too large'), {
    status: 413,
    type: 'entity.too.large',
  }),
  unknown: new Error(INTERNAL),
  // What Prisma throws for a query while PostgreSQL is down (see databaseUnavailable.test.ts).
  'database-down': new Prisma.PrismaClientKnownRequestError("Can't reach database server at 10.0.0.5:5432", {
    code: 'P1001',
    clientVersion: '6.19.3',
  }),
};

let server: Server;
let base: string;

beforeAll(async () => {
  const app = express();
  app.use(express.json({ strict: true }));
  app.post('/echo', (req, res) => {
    res.json(req.body);
  });
  app.get('/throw/:kind', (req) => {
    throw thrown[req.params.kind];
  });
  app.use(problemMiddleware(logger));
  server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
});

beforeEach(() => {
  logged.length = 0;
  warned.length = 0;
});

async function problemFor(kind: string) {
  const response = await fetch(`${base}/throw/${kind}`);
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: (await response.json()) as Record<string, unknown>,
  };
}

describe('problemMiddleware', () => {
  it('maps NotFoundError to 404 problem+json', async () => {
    const { status, contentType, body } = await problemFor('not-found');
    expect(status).toBe(404);
    expect(contentType).toMatch(/^application\/problem\+json/);
    expect(body).toEqual({
      type: 'urn:tenantvault:problem:not_found',
      title: 'Not found',
      status: 404,
      code: 'not_found',
      detail: 'backup schedule not found',
      instance: '/throw/not-found',
    });
  });

  it('maps ConflictError to 409 with the field at fault', async () => {
    const { status, body } = await problemFor('conflict');
    expect(status).toBe(409);
    expect(body.code).toBe('duplicate_name');
    expect(body.errors).toEqual([{ field: 'name', message: 'a schedule with this name exists' }]);
  });

  it('maps ConflictError without a field to 409 without errors', async () => {
    const { status, body } = await problemFor('conflict-no-field');
    expect(status).toBe(409);
    expect(body.code).toBe('run_in_progress');
    expect(body).not.toHaveProperty('errors');
  });

  it('maps UnavailableError to 503', async () => {
    const { status, contentType, body } = await problemFor('unavailable');
    expect(status).toBe(503);
    expect(contentType).toMatch(/^application\/problem\+json/);
    expect(body.code).toBe('temporal_unavailable');
    expect(body.title).toBe('Service unavailable');
  });

  it('maps an unreachable database to 503 with Retry-After, without its address', async () => {
    const response = await fetch(`${base}/throw/database-down`);
    const text = await response.text();
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.headers.get('retry-after')).toBe(String(DATABASE_RETRY_AFTER_SECONDS));
    expect(JSON.parse(text)).toMatchObject({ status: 503, code: 'database_unavailable' });
    expect(text).not.toContain('10.0.0.5');
    // A warning, not an error: an outage is no bug.
    expect(logged).toHaveLength(0);
    expect(warned[0]?.[0]).toMatchObject({ err: thrown['database-down'], url: '/throw/database-down' });
  });

  it('passes a ProblemError through unchanged', async () => {
    const { status, body } = await problemFor('problem');
    expect(status).toBe(418);
    expect(body).toMatchObject({ code: 'teapot', title: 'I am a teapot', detail: 'short and stout' });
  });

  it('keeps the field errors of a validation problem', async () => {
    const { status, body } = await problemFor('invalid');
    expect(status).toBe(422);
    expect(body.errors).toEqual([{ field: 'retention.keepLast', message: 'too big' }]);
  });

  it('maps InvalidFieldsError of a service to the same 422 validation problem', async () => {
    const { status, contentType, body } = await problemFor('invalid-fields');
    expect(status).toBe(422);
    expect(contentType).toMatch(/^application\/problem\+json/);
    expect(body).toMatchObject({ code: 'validation_failed', detail: 'the request body is invalid' });
    expect(body.errors).toEqual([
      { field: 'graphBaseUrl', message: 'refused: 10.0.0.1 is a private address' },
      { field: 'loginBaseUrl', message: 'refused: must be an https:// URL' },
    ]);
  });

  it('maps a body-parser parse error to 400 without the parser message', async () => {
    const { status, body } = await problemFor('parse-failed');
    expect(status).toBe(400);
    expect(body.code).toBe('entity_parse_failed');
    expect(body.detail).toBe('the request body is not valid JSON');
  });

  it('maps other 4xx body-parser errors to their status', async () => {
    const { status, body } = await problemFor('too-large');
    expect(status).toBe(413);
    expect(body.code).toBe('entity_too_large');
  });

  it('answers malformed JSON from the real parser with 400', async () => {
    const response = await fetch(`${base}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name": }',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toMatchObject({ code: 'entity_parse_failed', status: 400 });
  });

  it('maps an unknown error to 500 without leaking its message', async () => {
    const response = await fetch(`${base}/throw/unknown`);
    const text = await response.text();
    expect(response.status).toBe(500);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(text)).toEqual({
      type: 'urn:tenantvault:problem:internal_error',
      title: 'Internal server error',
      status: 500,
      code: 'internal_error',
      instance: '/throw/unknown',
    });
    expect(text).not.toContain('ECONNREFUSED');
    expect(text).not.toContain('hunter2');
  });

  it.each(['not-found', 'invalid', 'unknown'])(
    'names the path only as the instance of a %s problem, never the query string',
    async (kind) => {
      const token = 'tv_abcdefghijkl_secret-in-the-query';
      const response = await fetch(`${base}/throw/${kind}?access_token=${token}&limit=5`);
      const text = await response.text();
      expect(JSON.parse(text).instance).toBe(`/throw/${kind}`);
      expect(text).not.toContain('secret-in-the-query');
      expect(JSON.stringify(logged)).not.toContain('secret-in-the-query');
    },
  );

  it('logs an unknown error whole', async () => {
    await problemFor('unknown');
    expect(logged).toHaveLength(1);
    expect(logged[0]?.[0]).toMatchObject({ err: thrown.unknown, method: 'GET', url: '/throw/unknown' });
  });

  it('does not log expected errors', async () => {
    await problemFor('not-found');
    expect(logged).toHaveLength(0);
  });
});
