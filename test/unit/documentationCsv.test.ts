import { parse } from 'csv-parse/sync';
import { csvRenderer } from '../../src/export/documentation/csv';
import { documentedPolicy } from '../support/documentedPolicy';

test('a cell a spreadsheet would run as a formula is quoted out (CSV injection), every other cell is kept', () => {
  const renderer = csvRenderer();
  const text =
    renderer.start({
      tenant: { id: 't1', displayName: 'Contoso', azureTenantId: 'a1' },
      backupSetId: 's1',
      capturedAt: new Date('2026-11-30T00:00:00Z'),
      run: null,
      types: [],
      itemCount: 1,
      changesSince: null,
    }) +
    renderer.policy({
      policyType: 'deviceConfigurations',
      typeLabel: 'Device configurations',
      graphId: 'p1',
      displayName: '=HYPERLINK("https://evil.example","open")',
      documentation: {
        settings: [
          { label: 'Password', path: 'passwordMinimumLength', value: '12' },
          { label: 'Note', path: 'description', value: '@SUM(A1:A2), "quoted"\nsecond line' },
        ],
        assignments: [],
        withheld: false,
      },
    });
  const rows = parse(text, { relax_column_count: false }) as string[][];
  expect(rows).toHaveLength(3);
  expect(rows[0]).toEqual(['type', 'policy', 'setting', 'path', 'value']);
  expect(rows[1]?.[1]).toBe('\'=HYPERLINK("https://evil.example","open")');
  expect(rows[1]?.[4]).toBe('12');
  expect(rows[2]?.[4]).toBe('\'@SUM(A1:A2), "quoted"\nsecond line');
});

test('a value with a bare line break stays one cell: no new row, no formula at the start of a line', () => {
  const text = csvRenderer().policy(
    documentedPolicy('Kiosk\rlock', [
      { label: 'Description', path: 'description', value: 'first line\n=1+1' },
    ]),
  );
  const rows = parse(text, { relax_column_count: true }) as string[][];
  expect(rows).toEqual([
    ['Device configurations', 'Kiosk\rlock', 'Description', 'description', 'first line\n=1+1'],
  ]);
});
