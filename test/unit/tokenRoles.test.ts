import { rolesOfAccessToken } from '../../src/graph/tokenProvider';

const base64url = (text: string) => Buffer.from(text).toString('base64url');
const jwt = (claims: object) =>
  `${base64url('{"alg":"none"}')}.${base64url(JSON.stringify(claims))}.signature`;

describe('rolesOfAccessToken', () => {
  it('reads the roles claim of a JWT without verifying it', () => {
    expect(rolesOfAccessToken(jwt({ roles: ['A.Read.All', 'B.ReadWrite.All'] }))).toEqual([
      'A.Read.All',
      'B.ReadWrite.All',
    ]);
  });

  it('is empty for a JWT without roles and null for a token that is not a JWT', () => {
    expect(rolesOfAccessToken(jwt({ aud: 'x' }))).toEqual([]);
    expect(rolesOfAccessToken('opaque-token')).toBeNull();
    expect(rolesOfAccessToken('a.%%%.c')).toBeNull();
  });
});
