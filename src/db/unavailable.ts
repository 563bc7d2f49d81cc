// Whether an error means "PostgreSQL cannot be reached right now" (a restart, a failover, a cut
// connection) rather than a bad query or a bug: the API answers those 503 with Retry-After
// instead of 500. Connection-level failures only; anything else stays an internal error.
//
// One outage reaches us in several shapes, seen with pg 8.23, @prisma/adapter-pg 7.10 and
// @prisma/client 6.19 (engine "client") while PostgreSQL was stopped, killed and started
// (test/unit/databaseUnavailable.test.ts holds each):
// - pg (our bulk statements): a socket error (`code` ECONNREFUSED, ...), the server's
//   DatabaseError (`code` 57P01 when it shuts down, 57P03 while it starts), or a plain Error with
//   one of pg's messages for a connection that died under it;
// - Prisma model queries and transactions: PrismaClientKnownRequestError P1001 / P1017 / P1008,
//   which Prisma makes of the adapter's socket errors;
// - Prisma raw queries: P2010 with the adapter's DriverAdapterError in `meta.driverAdapterError`;
// - a server error Prisma has no code for (57P01 under a model query): the DriverAdapterError
//   itself, the SQLSTATE in its `cause`; pg's plain Errors come through Prisma unchanged.
// Prisma's PrismaClientUnknownRequestError carries neither code nor cause, and this engine does
// not use it for connection failures, so it is not recognised.

/** Node's socket errors on connect or mid-connection, including DNS lookups that failed. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** Class 08 (connection exception); 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now. */
const UNAVAILABLE_SQLSTATE = /^(08[0-9A-Z]{3}|57P0[123])$/;

/** Can't reach the server, its timeout, timed out, server closed the connection. */
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017']);

/** The adapter's names for socket errors (convertDriverError in @prisma/adapter-pg). */
const ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout']);

/** pg's own errors for a connection that ended under a query (they carry no code). */
const PG_CONNECTION_LOST = new Set([
  'Connection terminated unexpectedly',
  'Client has encountered a connection error and is not queryable',
]);

export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, name, cause, meta, message } = error as Record<string, unknown>;
  if (typeof code === 'string') {
    if (SOCKET_CODES.has(code) || PRISMA_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code)) return true;
    // A raw query's failure: the adapter's error says what it was.
    if (code === 'P2010')
      return isDatabaseUnavailable((meta as { driverAdapterError?: unknown })?.driverAdapterError);
  }
  if (name === 'DriverAdapterError' && typeof cause === 'object' && cause !== null) {
    const { kind, code: sqlState } = cause as { kind?: unknown; code?: unknown };
    if (typeof kind === 'string' && ADAPTER_KINDS.has(kind)) return true;
    return kind === 'postgres' && typeof sqlState === 'string' && UNAVAILABLE_SQLSTATE.test(sqlState);
  }
  return error instanceof Error && typeof message === 'string' && PG_CONNECTION_LOST.has(message);
}
