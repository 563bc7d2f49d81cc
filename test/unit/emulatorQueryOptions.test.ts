// The emulator's reading of system query options (pure): beta's optional `$`, `$filter` clauses.
import { filterOf, normaliseSystemOptions } from '../../src/emulator/queryOptions';

const STRING_EQ = { type: 'string', operators: ['eq'] } as const;
const filters = {
  displayName: STRING_EQ,
  id: STRING_EQ,
  isBuiltIn: { type: 'boolean', operators: ['eq'] },
} as const;
const url = (query: string) => new URL(`https://e.test/beta/x?${query}`);

describe('normaliseSystemOptions', () => {
  it('spells bare system options with $ on beta only, keeping other parameters', () => {
    const beta = normaliseSystemOptions(url('top=5&Expand=a&custom=1&$select=b'), 'beta');
    expect([...beta.searchParams.keys()]).toEqual(['$top', '$expand', 'custom', '$select']);
    expect(normaliseSystemOptions(url('top=5'), 'v1.0').searchParams.has('$top')).toBe(false);
  });
});

describe('filterOf', () => {
  const predicate = (filter: string) => {
    const result = filterOf(url(`$filter=${encodeURIComponent(filter)}`), filters);
    if (typeof result !== 'function') throw new Error(JSON.stringify(result));
    return result;
  };

  it("splits at 'and' outside string literals only", () => {
    const match = predicate("displayName eq 'Sales and Marketing' and isBuiltIn eq false");
    expect(match({ displayName: 'sales AND marketing', isBuiltIn: false })).toBe(true);
    expect(match({ displayName: 'Sales and Marketing', isBuiltIn: true })).toBe(false);
    expect(predicate("displayName eq 'O''Brien'")({ displayName: "O'Brien" })).toBe(true);
  });

  it('refuses unterminated literals, unknown properties and other operators', () => {
    for (const filter of [
      "displayName eq 'x",
      "displayName eq 'x' and",
      "name eq 'x'",
      "id ge 'x'",
      "displayName eq 'a' or id eq 'b'",
    ]) {
      expect([
        filter,
        (filterOf(url(`$filter=${encodeURIComponent(filter)}`), filters) as { status?: number }).status,
      ]).toEqual([filter, 400]);
    }
    expect(filterOf(url('a=1'), filters)).toBeUndefined();
  });
});
