// The users list and GET /v1/me as the API answers them (mirrors ../routes/me.ts and userJson).
import { z } from 'zod';
import { memberBody } from '../routes/users.schema';
import { component, user } from './responses';

const USER_EXAMPLE = {
  id: '7d2e1f0a-5b4c-4d3e-8f9a-0b1c2d3e4f5a',
  email: 'ada@contoso-msp.example',
  displayName: 'Ada Lovelace',
  platformAdmin: false,
  active: true,
  deactivatedAt: null,
  createdAt: '2026-12-01T09:00:00.000Z',
};

export const userPage = component(
  'UserPage',
  'A page of users, newest first; pass nextCursor as cursor for the next one (null on the last page).',
  z
    .strictObject({
      items: z.array(user).describe('the users of this page'),
      nextCursor: z
        .string()
        .nullable()
        .describe('an opaque string: pass it as `cursor` for the next page; null on the last page'),
    })
    .meta({ examples: [{ items: [USER_EXAMPLE], nextCursor: null }] }),
);

export const me = component(
  'Me',
  "The token's user, their tenants and roles, and the token itself.",
  z
    .strictObject({
      user: user.describe('the user the token belongs to'),
      memberships: z
        .array(
          z.strictObject({
            tenantId: z.uuid().describe('the tenant id'),
            slug: z.string().describe("the tenant's slug"),
            displayName: z.string().describe("the tenant's display name"),
            role: memberBody.shape.role.describe("the user's role in the tenant"),
          }),
        )
        .describe('every tenant the user is a member of, by slug (platform admins act in all tenants)'),
      token: z
        .strictObject({
          id: z.uuid().describe("the token's id (revoke it with DELETE /v1/users/{userId}/tokens/{tokenId})"),
          name: z.string().describe('the name it was issued with'),
          prefix: z.string().describe('the characters after `tv_`: tells tokens apart'),
          expiresAt: z.iso.datetime().nullable().describe('ISO 8601, UTC; null: never expires'),
        })
        .describe('the token of this request'),
    })
    .meta({
      examples: [
        {
          user: USER_EXAMPLE,
          memberships: [
            {
              tenantId: '3f1c2d9e-8b7a-4c6d-9e5f-1a2b3c4d5e6f',
              slug: 'contoso',
              displayName: 'Contoso Ltd',
              role: 'manager',
            },
          ],
          token: {
            id: '0b8f6c1e-2d3a-4b5c-9e7f-6a5b4c3d2e1f',
            name: 'laptop',
            prefix: 'Qm9vY2FtcDEy',
            expiresAt: '2027-03-01T09:00:00.000Z',
          },
        },
      ],
    }),
);
