// The database-outage classifier over the errors an outage really produces. Those of a refused
// connection are made here by the real libraries (a client pointed at a port nothing listens on);
// those only a server sends (57P01 as it shuts down, 57P03 while it starts, pg's errors for a
// connection that ended under a query) are rebuilt with the real classes, field for field as they
// were captured from pg 8.23, @prisma/adapter-pg 7.10 and @prisma/client 6.19 around a stopped
// and restarted PostgreSQL.
import { DatabaseError } from 'pg';
import { createDb, Prisma, sqlPoolOf } from '../../src/db/client';
import { isDatabaseUnavailable } from '../../src/db/unavailable';
import { freePort } from '../../src/devstack/ports';

const CLIENT_VERSION = '6.19.3';

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** What a refused connection gives each way the code reaches PostgreSQL. */
let refused: Record<'modelQuery' | 'rawQuery' | 'transaction' | 'bulkStatement', unknown>;
/** The adapter's error class (in a package of Prisma's own), taken from a real error. */
let DriverAdapterError: new (cause: Record<string, unknown>) => Error;

beforeAll(async () => {
  const db = createDb(`postgresql://tenantvault:unused@127.0.0.1:${await freePort()}/tenantvault`);
  refused = {
    modelQuery: await rejectionOf(db.user.findFirst()),
    rawQuery: await rejectionOf(db.$queryRaw`SELECT 1`),
    transaction: await rejectionOf(db.$transaction((tx) => tx.user.findFirst())),
    bulkStatement: await rejectionOf(sqlPoolOf(db).query('SELECT 1')),
  };
  const { meta } = refused.modelQuery as Prisma.PrismaClientKnownRequestError;
  DriverAdapterError = (meta as { driverAdapterError: Error }).driverAdapterError
    .constructor as typeof DriverAdapterError;
  await db.$disconnect();
});

/** pg's DatabaseError as its parser fills it from the server's ErrorResponse. */
function serverError(code: string, message: string): DatabaseError {
  return Object.assign(new DatabaseError(message, message.length + 8, 'error'), { severity: 'FATAL', code });
}

/** The adapter's wrapping of a server error it has no kind for (convertDriverError). */
function adapterError(code: string, message: string): Error {
  return new DriverAdapterError({
    originalCode: code,
    originalMessage: message,
    kind: 'postgres',
    code,
    severity: 'FATAL',
    message,
    detail: undefined,
    column: undefined,
    hint: undefined,
  });
}

/** Prisma's error for a raw query the adapter failed. */
function rawQueryError(driverAdapterError: Error): Prisma.PrismaClientKnownRequestError {
  return new Prisma.PrismaClientKnownRequestError('Raw query failed.', {
    code: 'P2010',
    clientVersion: CLIENT_VERSION,
    meta: { driverAdapterError },
  });
}

/** pg's own errors, which Prisma rethrows unchanged but for its version. */
const pgError = (message: string) => Object.assign(new Error(message), { clientVersion: CLIENT_VERSION });

const SHUTDOWN = 'terminating connection due to administrator command';
const STARTING = 'the database system is starting up';

describe('a refused connection, as the libraries report it', () => {
  it('comes in the shapes the classifier expects', () => {
    expect(refused.modelQuery).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
    expect(refused.modelQuery).toMatchObject({ code: 'P1001' });
    expect(refused.transaction).toMatchObject({ code: 'P1001' });
    expect(refused.rawQuery).toMatchObject({
      code: 'P2010',
      meta: { driverAdapterError: { name: 'DriverAdapterError', cause: { kind: 'DatabaseNotReachable' } } },
    });
    expect(refused.bulkStatement).toMatchObject({ code: 'ECONNREFUSED', syscall: 'connect' });
  });

  it.each(['modelQuery', 'rawQuery', 'transaction', 'bulkStatement'] as const)('%s: unavailable', (way) => {
    expect(isDatabaseUnavailable(refused[way])).toBe(true);
  });
});

describe('errors of a server going away or coming back: unavailable', () => {
  it.each([
    ['shutdown under a bulk statement (57P01)', () => serverError('57P01', SHUTDOWN)],
    ['startup, a bulk statement (57P03)', () => serverError('57P03', STARTING)],
    ['crash of another backend (57P02)', () => serverError('57P02', 'terminating connection')],
    ['connection failure (08006)', () => serverError('08006', 'connection failure')],
    ['shutdown under a model query', () => adapterError('57P01', SHUTDOWN)],
    ['startup, a model query', () => adapterError('57P03', STARTING)],
    ['shutdown under a raw query', () => rawQueryError(adapterError('57P01', SHUTDOWN))],
    ['startup, a raw query', () => rawQueryError(adapterError('57P03', STARTING))],
    ['connection closed (P1017)', () => prismaError('P1017')],
    ['socket timeout (P1008)', () => prismaError('P1008')],
    ['reset under a raw query', () => rawQueryError(new DriverAdapterError({ kind: 'ConnectionClosed' }))],
    ['a connection that ended under a query', () => pgError('Connection terminated unexpectedly')],
    [
      'a transaction whose connection ended between its queries',
      () => pgError('Client has encountered a connection error and is not queryable'),
    ],
    [
      'a reset socket',
      () => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', syscall: 'read' }),
    ],
  ])('%s', (_name, make) => {
    expect(isDatabaseUnavailable(make())).toBe(true);
  });
});

describe('everything else: not an outage', () => {
  it.each([
    ['a unique violation', () => prismaError('P2002')],
    ['a record not found', () => prismaError('P2025')],
    ['wrong credentials (a configuration error)', () => prismaError('P1000')],
    ['a unique violation under a raw query', () => rawQueryError(adapterError('23505', 'duplicate key'))],
    ['a missing table', () => serverError('42P01', 'relation "x" does not exist')],
    ['too many connections', () => serverError('53300', 'sorry, too many clients already')],
    ['a statement timeout', () => serverError('57014', 'canceling statement due to statement timeout')],
    [
      'an unknown Prisma error',
      () => new Prisma.PrismaClientUnknownRequestError('?', { clientVersion: CLIENT_VERSION }),
    ],
    ['a message that only looks like one', () => new Error('connect ECONNREFUSED 10.0.0.5:5432')],
    ['our own ending of a connection', () => pgError('Connection terminated')],
    ['not an error', () => 'ECONNREFUSED'],
    ['nothing', () => undefined],
  ])('%s', (_name, make) => {
    expect(isDatabaseUnavailable(make())).toBe(false);
  });
});

function prismaError(code: string): Prisma.PrismaClientKnownRequestError {
  return new Prisma.PrismaClientKnownRequestError(`failed with ${code}`, {
    code,
    clientVersion: CLIENT_VERSION,
  });
}
