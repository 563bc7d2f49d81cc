import { planHashOf } from '../../src/db/restorePlanning';

const update = {
  action: 'update',
  targetGraphId: 'a',
  precondition: { hash: 'h1', lastModifiedDateTime: 't' },
};
const create = { action: 'create', targetGraphId: null, precondition: { absent: true } };

describe('planHashOf', () => {
  it('depends on the items, their order and each action, target and precondition', () => {
    const base = planHashOf([update, create]);
    expect(planHashOf([update, create])).toBe(base);
    expect(planHashOf([create, update])).not.toBe(base);
    expect(planHashOf([{ ...update, targetGraphId: 'b' }, create])).not.toBe(base);
    expect(
      planHashOf([{ ...update, precondition: { hash: 'h2', lastModifiedDateTime: 't' } }, create]),
    ).not.toBe(base);
    expect(planHashOf([{ ...update, action: 'noop' }, create])).not.toBe(base);
  });

  it('ignores the key order of a precondition read back from JSONB', () => {
    const reordered = { ...update, precondition: { lastModifiedDateTime: 't', hash: 'h1' } };
    expect(planHashOf([reordered, create])).toBe(planHashOf([update, create]));
  });
});
