import type { PolicyTypeOutcome, PolicyTypeSummary } from '../../src/shared/types';
import { runStatusFor, summarize } from '../../src/workflows/summary';

function type(outcome: PolicyTypeOutcome, counts: Partial<PolicyTypeSummary> = {}): PolicyTypeSummary {
  return { outcome, fetched: 0, added: 0, modified: 0, removed: 0, ...counts };
}

describe('runStatusFor', () => {
  it('is succeeded when every type is ok', () => {
    expect(runStatusFor({ compliance: type('ok'), settingsCatalog: type('ok') })).toBe('succeeded');
  });

  it('is succeeded for a single ok type', () => {
    expect(runStatusFor({ compliance: type('ok') })).toBe('succeeded');
  });

  it('is partial when some types are ok and others are not', () => {
    expect(runStatusFor({ compliance: type('ok'), settingsCatalog: type('permission_missing') })).toBe(
      'partial',
    );
    expect(runStatusFor({ compliance: type('failed'), deviceConfiguration: type('ok') })).toBe('partial');
  });

  it('is failed when no type is ok', () => {
    expect(runStatusFor({ compliance: type('failed'), settingsCatalog: type('unsupported') })).toBe('failed');
  });

  it('is failed when there are no types at all', () => {
    expect(runStatusFor({})).toBe('failed');
  });
});

describe('summarize', () => {
  it('adds the counts of every type and keeps the item count', () => {
    const types = {
      compliance: type('ok', { fetched: 10, added: 2, modified: 3, removed: 1 }),
      settingsCatalog: type('ok', { fetched: 5, added: 0, modified: 1, removed: 4 }),
      deviceConfiguration: type('failed', { fetched: 1 }),
    };
    const summary = summarize(types, 14);
    expect(summary.totals).toEqual({ fetched: 16, added: 2, modified: 4, removed: 5, itemCount: 14 });
    expect(summary.types).toBe(types);
  });

  it('has zero totals for no types', () => {
    expect(summarize({}, 0).totals).toEqual({ fetched: 0, added: 0, modified: 0, removed: 0, itemCount: 0 });
  });

  it('does not add a retention section', () => {
    expect(summarize({ compliance: type('ok') }, 1)).not.toHaveProperty('retention');
  });
});
