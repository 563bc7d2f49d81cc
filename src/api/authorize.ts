// Authorization, in one place. Every entry of the route table names the permission its route
// needs (./permissions.ts); this middleware is built from the table and runs before every
// router, so a route's permission is checked before its handler runs. A request that matches no
// entry is answered 404 here: a route added to a router but not to the table cannot be reached
// (and test/integration/openapi.test.ts fails on it).
//
// In a tenant (`:tenantId`), a caller who is not a member gets 404 whatever the route, as if the
// tenant did not exist, so its existence does not leak; only a member whose role is too low gets
// 403. Platform admins act in every tenant. An offboarded tenant is read-only: every write route
// of it answers 409 tenant_offboarded, but those the table marks `whileOffboarded`.
//
// A resource that belongs to one tenant but has a top-level path (`/v1/baselines/:baselineId`)
// names its tenant through its id: TENANT_OF_PATH_PARAM looks it up, and an id that names nothing
// is a 404 like a tenant the caller is no member of.
import { type Request, type RequestHandler, type Response, Router } from 'express';
import type { Db, TenantRole } from '../db/client';
import { tenantIdOfBaseline } from '../db/baselines';
import { findTenantAccess } from '../db/memberships';
import { tenantOffboardedError } from '../db/tenantOffboarding';
import type { Principal } from '../db/tokens';
import { NotFoundError } from '../services/errors';
import { authenticate, principalOf } from './auth';
import type { AuthFailureThrottle } from './hardening/authFailures';
import { isTenantPermission, roleGrants, type TenantPermission } from './permissions';
import { forbidden, notFoundRoute, ProblemError } from './problem';
import { type Operation, refusedWhenOffboarded } from './routeTable';
import { param, pathId } from './validation';

/** The caller's standing in the tenant of the path; role null: a platform admin who is no member. */
interface TenantAccess {
  tenantId: string;
  role: TenantRole | null;
  offboarded: boolean;
}

/** Path parameters other than :tenantId that name a tenant's resource, and how to find its tenant. */
export const TENANT_OF_PATH_PARAM: Record<
  string,
  { resource: string; tenantOf: (db: Db, id: string) => Promise<string | null> }
> = {
  baselineId: { resource: 'baseline', tenantOf: tenantIdOfBaseline },
};

/** The path parameter that names the route's tenant: `tenantId`, or one of TENANT_OF_PATH_PARAM. */
export function tenantParamOf(path: string): string | undefined {
  if (path.includes('/:tenantId')) return 'tenantId';
  return Object.keys(TENANT_OF_PATH_PARAM).find((name) => path.includes(`/:${name}`));
}

/** What limits callers: both run once per request, around authentication. */
export interface RequestLimits {
  /** Every authenticated request, right after authentication (so refused requests count too). */
  perUser: RequestHandler;
  /** Failed authentications, per client address: checked before, counted after authentication. */
  authFailures: AuthFailureThrottle;
}

export function authorizeByRouteTable(
  db: Db,
  table: readonly Operation[],
  limits: RequestLimits,
): RequestHandler {
  const guard = Router();
  // Every entry that matches the request checks its permission (they must all allow it), so an
  // overlap of two entries can only make a route stricter.
  for (const op of table) {
    guard[op.method](
      op.path,
      (req, res, next) => {
        // The route template and its values, for the request audit, log and metrics: known here
        // even when the request is refused, and kept when a failing handler's error leaves its
        // router (Express then resets req.baseUrl and req.params).
        res.locals.routePath = op.path;
        res.locals.routeParams = { ...req.params };
        next();
      },
      authorize(db, op, limits, tenantParamOf(op.path)),
    );
  }
  return function authorizeByRouteTable(req, res, next) {
    guard(req, res, (error?: unknown) => {
      if (error) return next(error);
      if (res.locals.authorized !== true) return notFoundRoute(req, res, next);
      next();
    });
  };
}

function authorize(
  db: Db,
  op: Operation,
  limits: RequestLimits,
  tenantParam: string | undefined,
): RequestHandler {
  const { permission } = op;
  return async (req, res, next) => {
    if (permission !== 'public') {
      if (!res.locals.principal) {
        res.locals.principal = await authenticateThrottled(db, req, res, limits.authFailures);
        await new Promise<void>((resolve, reject) =>
          limits.perUser(req, res, (error?: unknown) => (error ? reject(error) : resolve())),
        );
      }
      const principal = res.locals.principal as Principal;
      if (isTenantPermission(permission)) {
        const access = await tenantAccess(db, await tenantOfPath(db, req, tenantParam), principal, res);
        if (!holds(principal, access, permission))
          throw forbidden(
            `your role in this tenant (${access.role}) does not allow this: it needs ${permission}`,
          );
        if (access.offboarded && refusedWhenOffboarded(op)) throw tenantOffboardedError();
      } else if (permission === 'platform:admin' && !principal.platformAdmin) {
        throw forbidden('only a platform admin may do this');
      } else if (permission === 'self-or-admin' && !principal.platformAdmin) {
        if (param(req, 'userId')?.toLowerCase() !== principal.userId)
          throw forbidden('only the user themself or a platform admin may do this');
      }
    }
    res.locals.authorized = true;
    next();
  };
}

async function authenticateThrottled(
  db: Db,
  req: Request,
  res: Response,
  throttle: AuthFailureThrottle,
): Promise<Principal> {
  await throttle.refuseIfOverLimit(req, res);
  try {
    return await authenticate(db, req, res);
  } catch (error) {
    if (error instanceof ProblemError && error.status === 401) await throttle.countFailure(req, res);
    throw error;
  }
}

async function tenantOfPath(db: Db, req: Request, tenantParam: string | undefined): Promise<string> {
  const lookup = tenantParam ? TENANT_OF_PATH_PARAM[tenantParam] : undefined;
  if (!tenantParam || !lookup) return pathId(param(req, 'tenantId'), 'tenant');
  const tenantId = await lookup.tenantOf(db, pathId(param(req, tenantParam), lookup.resource));
  if (!tenantId) throw new NotFoundError(lookup.resource);
  return tenantId;
}

async function tenantAccess(db: Db, tenantId: string, principal: Principal, res: Response) {
  const known = res.locals.tenantAccess as TenantAccess | undefined;
  if (known?.tenantId === tenantId) return known;
  const found = await findTenantAccess(db, tenantId, principal.userId);
  // Not a member: the same answer as for a tenant that does not exist.
  if (!found || (found.role === null && !principal.platformAdmin)) throw new NotFoundError('tenant');
  const access: TenantAccess = { tenantId, role: found.role, offboarded: found.offboarded };
  res.locals.tenantAccess = access;
  return access;
}

function holds(principal: Principal, access: TenantAccess, permission: TenantPermission): boolean {
  return principal.platformAdmin || (access.role !== null && roleGrants(access.role, permission));
}

/**
 * Whether the caller holds `permission` in a tenant other than the route's (a body's or query's
 * tenant); false for a tenant that does not exist or of which the caller is no member. With
 * `write` (the handler writes that tenant's data), an offboarded tenant the caller may act in is
 * a 409 tenant_offboarded, as on the routes with :tenantId.
 */
export async function callerMayIn(
  db: Db,
  res: Response,
  tenantId: string,
  permission: TenantPermission,
  how: { write: boolean } = { write: false },
): Promise<boolean> {
  const principal = principalOf(res);
  const found = await findTenantAccess(db, tenantId, principal.userId);
  if (!found) return false;
  const may = holds(principal, { tenantId, role: found.role, offboarded: found.offboarded }, permission);
  if (may && how.write && found.offboarded) throw tenantOffboardedError();
  return may;
}

/** The tenant of the route (its path's, or that of the resource the path names). */
export function routeTenantId(res: Response): string {
  const access = res.locals.tenantAccess as TenantAccess | undefined;
  if (!access) throw new Error('routeTenantId needs a route with a tenant permission');
  return access.tenantId;
}

/**
 * Whether the caller also holds `permission` in the route's tenant (the route's own permission is
 * already checked): for a handler whose outcome depends on more, like bulk delete.
 */
export function callerMay(res: Response, permission: TenantPermission): boolean {
  const access = res.locals.tenantAccess as TenantAccess | undefined;
  if (!access) throw new Error('callerMay needs a route with a tenant permission');
  return holds(principalOf(res), access, permission);
}
