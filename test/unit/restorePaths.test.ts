import { dottedSegments, valueAtDottedPath } from '../../src/restore/paths';

test("a dotted path keeps Graph's annotations as one property name", () => {
  expect(dottedSegments('target.@odata.type')).toEqual(['target', '@odata.type']);
  expect(dottedSegments('target.groupId')).toEqual(['target', 'groupId']);
  const assignment = { target: { '@odata.type': '#microsoft.graph.groupAssignmentTarget', groupId: 'g1' } };
  expect(valueAtDottedPath(assignment, 'target.@odata.type')).toBe('#microsoft.graph.groupAssignmentTarget');
  expect(valueAtDottedPath(assignment, 'target.groupId')).toBe('g1');
});

test('a path through a missing or scalar step has no value', () => {
  expect(valueAtDottedPath({ target: null }, 'target.groupId')).toBeUndefined();
  expect(valueAtDottedPath({ target: 'text' }, 'target.length')).toBeUndefined();
  expect(valueAtDottedPath(null, 'a')).toBeUndefined();
});
