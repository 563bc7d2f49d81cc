// Request bodies of users, tokens and memberships; the admin command line validates its
// arguments with the same schemas.
import { z } from 'zod';
import { newestFirstPageQuery, optionalQueryFlag } from '../pagination';
import { TENANT_ROLES } from '../permissions';

export const createUserBody = z
  .strictObject({
    email: z.email().max(254).describe('unique: the user is added to tenants by it'),
    displayName: z.string().trim().min(1).max(200).describe('the name shown in member lists and audit logs'),
    platformAdmin: z.boolean().default(false).describe('acts in every tenant and manages users'),
  })
  .meta({ examples: [{ email: 'ada@contoso.example', displayName: 'Ada Lovelace', platformAdmin: false }] });

export const issueTokenBody = z
  .strictObject({
    name: z.string().trim().min(1).max(100).describe('what the token is for, e.g. the machine using it'),
    expiresInDays: z
      .int()
      .min(1)
      .max(3650)
      .optional()
      .describe(
        "days until it expires: at most the deployment's maximum (API_TOKEN_MAX_LIFETIME_DAYS, 90 unless " +
          'configured), which is also the lifetime without this field',
      ),
  })
  .meta({ examples: [{ name: 'ci-pipeline', expiresInDays: 30 }] });

export const memberBody = z
  .strictObject({
    role: z
      .enum(TENANT_ROLES)
      .describe('readonly < operator < manager < owner: each may do what the one before may'),
  })
  .meta({ examples: [{ role: 'manager' }] });

export const addMemberBody = z
  .strictObject({
    email: z.email().max(254).describe("an existing user's e-mail address (POST /v1/users)"),
    role: memberBody.shape.role,
  })
  .meta({ examples: [{ email: 'ada@contoso.example', role: 'operator' }] });

export const usersQuery = newestFirstPageQuery
  .extend({
    active: optionalQueryFlag('true: only active users; false: only deactivated ones; absent: both'),
    platformAdmin: optionalQueryFlag('true: only platform admins; false: only the others; absent: both'),
  })
  .strict();
