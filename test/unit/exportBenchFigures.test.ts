// bench:export's figures: VmRSS read from /proc status text, growth from the baseline to the
// peak, throughput on content bytes against the targets, and the CSV rows the Markdown implies.
import {
  documentTargets,
  exportTargets,
  MarkdownSettingRows,
  mbPerSecond,
  rssFigures,
  vmRssBytes,
} from '../../bench/exportFigures';
import { WITHHELD_NOTE } from '../../src/export/documentation/model';

const MIB = 1024 * 1024;

test('VmRSS in kB from a status text; null for a process without memory (a zombie)', () => {
  expect(vmRssBytes('Name:\tnode\nVmPeak:\t 900000 kB\nVmRSS:\t  204800 kB\nRssAnon:\t 1 kB\n')).toBe(
    200 * MIB,
  );
  expect(vmRssBytes('Name:\tnode\nState:\tZ (zombie)\n')).toBeNull();
});

test('growth is the peak during the download over the baseline before it, never negative', () => {
  expect(rssFigures(100, [90, 150, 120])).toEqual({
    baselineBytes: 100,
    peakBytes: 150,
    growthBytes: 50,
    samples: 3,
  });
  expect(rssFigures(100, [80]).growthBytes).toBe(0);
  expect(rssFigures(100, []).growthBytes).toBe(0);
});

test('export targets: content MB/s (10^6 bytes) at least 50, RSS growth under 100 MB', () => {
  expect(mbPerSecond(150_000_000, 2_000)).toBe(75);
  const download = (ms: number, growthBytes: number) => ({
    ms,
    bytes: 1,
    rss: { baselineBytes: 0, peakBytes: growthBytes, growthBytes, samples: 1 },
  });
  const passing = exportTargets(download(2_000, 99_999_999), 100_000_000);
  expect(passing.map((t) => [t.label, t.shown, t.pass])).toEqual([
    ['content throughput', '50.0 MB/s', true],
    ['API RSS growth', '100.0 MB', true],
  ]);
  const failing = exportTargets(download(2_001, 100_000_000), 100_000_000);
  expect(failing.map((t) => t.pass)).toEqual([false, false]);
  expect(documentTargets(download(29_999, 199_000_000)).map((t) => t.pass)).toEqual([true, true]);
  expect(documentTargets(download(30_000, 200_000_000)).map((t) => t.pass)).toEqual([false, false]);
});

test('CSV rows expected from the Markdown: settings table rows and withheld notes, nothing else', () => {
  const markdown = [
    '## Summary',
    '',
    '| Policy type | Policies | Outcome |',
    '| --- | --- | --- |',
    '| Device configuration | 2 | succeeded |',
    '',
    '### One',
    '',
    '| Setting | Value | Path |',
    '| --- | --- | --- |',
    '| Camera | Blocked | `/camera` |',
    '| Wi-Fi | --- | `/wifi` |',
    '',
    'Assignments:',
    '',
    '| Mode | Target | Group | Filter |',
    '| --- | --- | --- | --- |',
    '| include | group | g1 |   |',
    '',
    '### Two',
    '',
    'No settings.',
    '',
    '### Script',
    '',
    WITHHELD_NOTE,
  ];
  const counter = new MarkdownSettingRows(WITHHELD_NOTE);
  for (const line of markdown) counter.line(line);
  expect(counter.rows).toBe(3);
});
