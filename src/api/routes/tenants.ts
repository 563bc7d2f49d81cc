import { Router } from 'express';
import { z } from 'zod';
import { urlFormProblem } from '../../outbound';
import { testConnection } from '../../services/connectionTest';
import { offboardTenant } from '../../services/tenantOffboarding';
import { createTenant, getTenant, listTenants, updateTenant } from '../../services/tenants';
import { BACKUP_TASK_QUEUE } from '../../shared/constants';
import { alongFieldErrors } from '../../shared/crossFieldRules';
import { principalOf } from '../auth';
import type { ApiDeps } from '../deps';
import { DEFAULT_OFFBOARDED_RETENTION_DAYS } from '../deps';
import { offboardingJson } from '../offboardingSerializers';
import { page, pageQuery } from '../pagination';
import { tenantJson } from '../serializers';
import { parseBody, parseQuery, pathId } from '../validation';
import { connectionTestAfterSave, connectionTestJson } from './connectionTest';
import { offboardTenantBody, offboardTenantQuery } from './tenantOffboarding.schema';

// The form is checked here; the service checks the host against GRAPH_ENDPOINT_ALLOWLIST and its
// addresses (src/outbound), and stores the URL's canonical origin.
const baseUrl = z
  .string()
  .max(2048)
  .superRefine((url, ctx) => {
    const problem = urlFormProblem(url);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .meta({ format: 'uri', description: 'https:// service root: no path, query, fragment or user info' });

const TENANT_EXAMPLE = {
  slug: 'contoso',
  displayName: 'Contoso Ltd',
  azureTenantId: '4a7c9e2b-1d3f-4b6a-8c5e-7f9a0b1c2d3e',
  clientId: '9e8d7c6b-5a4f-4e3d-8c1b-0a9f8e7d6c5b',
  clientSecret: 'example-client-secret',
};

export const createTenantBody = z
  .strictObject({
    slug: z
      .string()
      .regex(
        /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/,
        'lowercase letters, digits and inner hyphens, at most 63',
      )
      // The admin command line takes a slug or an id: a slug spelled like another tenant's id
      // would make the two ambiguous.
      .refine((slug) => !z.guid().safeParse(slug).success, 'must not look like a UUID (tenant ids do)')
      .describe('a short unique name, e.g. for the admin command line: lowercase letters, digits, hyphens'),
    displayName: z.string().trim().min(1).max(200).describe('the name shown for the tenant'),
    azureTenantId: z
      .uuid({ error: 'must be the Entra ID tenant id (a GUID)' })
      .describe('the Entra ID (Azure AD) tenant id'),
    clientId: z
      .uuid({ error: 'must be the app registration client id (a GUID)' })
      .describe('the client id of the app registration with the Graph permissions'),
    clientSecret: z.string().min(1).max(1024).describe("the app registration's client secret; write-only"),
    graphBaseUrl: baseUrl
      .nullish()
      .describe("Microsoft Graph's service root; null or absent: https://graph.microsoft.com"),
    loginBaseUrl: baseUrl
      .nullish()
      .describe('the Entra ID login root; null or absent: https://login.microsoftonline.com'),
  })
  .meta({ examples: [TENANT_EXAMPLE] });

// Every field may change; the secret is write-only (responses show only hasClientSecret).
// The worker sends the stored secret to `loginBaseUrl`: were an owner able to repoint a tenant
// without sending a new secret, one run would hand the (write-only) secret to any host.
const CREDENTIAL_TARGETS = ['azureTenantId', 'clientId', 'graphBaseUrl', 'loginBaseUrl'] as const;

export const updateTenantBody = createTenantBody
  .partial()
  .refine((body) => Object.keys(body).length > 0, {
    message: 'send at least one field to change',
    ...alongFieldErrors,
  })
  .refine(
    (body) => body.clientSecret !== undefined || CREDENTIAL_TARGETS.every((key) => body[key] === undefined),
    {
      path: ['clientSecret'],
      message: `required when ${CREDENTIAL_TARGETS.join(', ')} change: the stored secret is never sent to a new tenant or endpoint`,
      ...alongFieldErrors,
    },
  )
  .meta({ examples: [{ displayName: 'Contoso Europe' }] });

/** A PATCH that changes one of these is tested against Graph once saved. */
const CONNECTION_FIELDS = ['clientSecret', ...CREDENTIAL_TARGETS] as const;

export function tenantsRouter(deps: ApiDeps): Router {
  const router = Router();
  const endpoints = deps.graphEndpointAllowlist;
  const tester = {
    db: deps.db,
    graph: deps.graph,
    secrets: deps.secrets,
    logger: deps.logger,
    deadlineMs: deps.connectionTestDeadlineMs,
  };

  router.get('/', async (req, res) => {
    const query = parseQuery(pageQuery, req.query);
    const principal = principalOf(res);
    const tenants = await listTenants(deps.db, query, principal.platformAdmin ? undefined : principal.userId);
    res.json(page(tenants, query.limit, tenantJson));
  });

  router.post('/', async (req, res) => {
    const body = parseBody(createTenantBody, req.body);
    const userId = principalOf(res).userId;
    const tenant = await createTenant(deps.db, deps.secrets, body, userId, endpoints);
    const connectionTest = await connectionTestAfterSave(tester, tenant, userId);
    res
      .status(201)
      .location(`/v1/tenants/${tenant.id}`)
      .json({ ...tenantJson(tenant), connectionTest });
  });

  router.get('/:tenantId', async (req, res) => {
    res.json(tenantJson(await getTenant(deps.db, pathId(req.params.tenantId, 'tenant'))));
  });

  router.patch('/:tenantId', async (req, res) => {
    const tenantId = pathId(req.params.tenantId, 'tenant');
    const changes = parseBody(updateTenantBody, req.body);
    const userId = principalOf(res).userId;
    const tenant = await updateTenant(deps.db, deps.secrets, tenantId, changes, userId, endpoints);
    if (!CONNECTION_FIELDS.some((field) => changes[field] !== undefined))
      return void res.json(tenantJson(tenant));
    res.json({
      ...tenantJson(tenant),
      connectionTest: await connectionTestAfterSave(tester, tenant, userId),
    });
  });

  router.post('/:tenantId/connection-test', async (req, res) => {
    const tenantId = pathId(req.params.tenantId, 'tenant');
    res.json(connectionTestJson(await testConnection(tester, tenantId, principalOf(res).userId)));
  });

  // Offboarding (platform admins): 202, the tenant read-only until its purge workflow runs.
  router.delete('/:tenantId', async (req, res) => {
    const tenantId = pathId(req.params.tenantId, 'tenant');
    const query = parseQuery(offboardTenantQuery, req.query);
    const body = parseBody(offboardTenantBody, req.body);
    const offboarding = await offboardTenant(
      {
        db: deps.db,
        temporal: deps.temporal,
        workflowTaskQueue: deps.workflowTaskQueue ?? BACKUP_TASK_QUEUE,
        retentionDays: deps.offboardedRetentionDays ?? DEFAULT_OFFBOARDED_RETENTION_DAYS,
      },
      tenantId,
      { confirmSlug: body.confirmSlug, purgeNow: query.purge === 'now' },
      principalOf(res).userId,
    );
    res.status(202).json(offboardingJson(offboarding));
  });

  return router;
}
