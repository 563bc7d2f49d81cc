// bench:restore's figures from a write log: only writes since the apply count, 429s apart, and
// each family's rate over its own span against Graph's limit.
import { writeFigures } from '../../bench/restoreFigures';
import type { WriteLogEntry } from '../../src/emulator/writes/writeGate';

const START = Date.parse('2026-12-01T10:00:00Z');
const at = (ms: number, method: string, path: string, status = 201): WriteLogEntry => ({
  time: new Date(START + ms).toISOString(),
  method,
  path,
  status,
});
const POLICY = '/beta/deviceManagement/configurationPolicies';
const ID = '0f000000-0000-4000-8000-000000000001';

test('rates per family over their own span, 429s and reads left out, writes before the apply ignored', () => {
  const log = [
    at(-5_000, 'POST', POLICY), // before the apply
    // Intune: 11 accepted writes 250 ms apart = 4/s = 0.8 of 5/s, one 429, one read.
    ...Array.from({ length: 11 }, (_, i) => at(i * 250, i % 2 ? 'POST' : 'PATCH', `${POLICY}/${ID}`, 200)),
    at(100, 'POST', POLICY, 429),
    at(200, 'GET', POLICY, 200),
    // Conditional Access: 3 writes 2 s apart = 0.5/s of 1/s, a 400 among them (it took a slot).
    at(10_000, 'POST', '/beta/identity/conditionalAccess/policies'),
    at(12_000, 'POST', '/beta/identity/conditionalAccess/policies', 400),
    at(14_000, 'POST', '/beta/identity/conditionalAccess/policies'),
  ];

  const figures = writeFigures(log, new Date(START));

  expect(figures.writes).toBe(14);
  expect(figures.throttled).toBe(1);
  expect(figures.byFamily.intune).toMatchObject({
    writes: 11,
    throttled: 1,
    spanMs: 2_500,
    limitPerSecond: 5,
  });
  expect(figures.byFamily.intune?.ratio).toBeCloseTo(0.8);
  expect(figures.byFamily.conditionalAccess).toMatchObject({ writes: 3, spanMs: 4_000, limitPerSecond: 1 });
  expect(figures.byFamily.conditionalAccess?.ratio).toBeCloseTo(0.5);
  expect(figures.refused).toEqual([['400 POST /beta/identity/conditionalAccess/policies', 1]]);
  expect(figures.shapes).toContainEqual([`PATCH ${POLICY}/{id}`, 6]);
});
