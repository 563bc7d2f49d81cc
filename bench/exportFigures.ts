// bench:export's figures: the API process's resident memory from /proc/<pid>/status samples,
// throughput of a download, the targets of issue 18 beside each figure, and the CSV's expected
// row count read from the Markdown document of the same set.

/** MB here is 10^6 bytes (as in "MB/s"). */
export const MB = 1_000_000;

/** VmRSS of a /proc/<pid>/status text, in bytes; null when the process is gone (no such line). */
export function vmRssBytes(statusText: string): number | null {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(statusText);
  return match ? Number(match[1]) * 1024 : null;
}

export interface RssFigures {
  baselineBytes: number;
  peakBytes: number;
  /** Peak minus baseline, never below 0. */
  growthBytes: number;
  samples: number;
}

/** The baseline (sampled before the download) and the peak of the samples taken during it. */
export function rssFigures(baselineBytes: number, during: readonly number[]): RssFigures {
  const peakBytes = Math.max(baselineBytes, ...during);
  return { baselineBytes, peakBytes, growthBytes: peakBytes - baselineBytes, samples: during.length };
}

export const mbPerSecond = (bytes: number, ms: number) => (ms > 0 ? bytes / MB / (ms / 1000) : 0);

export interface Target {
  label: string;
  /** The figure, as printed. */
  shown: string;
  target: string;
  pass: boolean;
}

export const EXPORT_TARGETS = {
  /** Issue 18 point 5, on the uncompressed content (the manifest's item bytes). */
  minContentMbPerSecond: 50,
  maxExportRssGrowthMb: 100,
  /** Issue 18 point 3: a 5,000-policy set documents in under 30 s and under 200 MB extra memory. */
  maxDocumentSeconds: 30,
  maxDocumentRssGrowthMb: 200,
} as const;

export interface DownloadFigures {
  ms: number;
  bytes: number;
  rss: RssFigures;
}

/** An export's targets: content throughput and API RSS growth. */
export function exportTargets(download: DownloadFigures, contentBytes: number): Target[] {
  const rate = mbPerSecond(contentBytes, download.ms);
  const growthMb = download.rss.growthBytes / MB;
  return [
    {
      label: 'content throughput',
      shown: `${rate.toFixed(1)} MB/s`,
      target: `>= ${EXPORT_TARGETS.minContentMbPerSecond} MB/s`,
      pass: rate >= EXPORT_TARGETS.minContentMbPerSecond,
    },
    {
      label: 'API RSS growth',
      shown: `${growthMb.toFixed(1)} MB`,
      target: `< ${EXPORT_TARGETS.maxExportRssGrowthMb} MB`,
      pass: growthMb < EXPORT_TARGETS.maxExportRssGrowthMb,
    },
  ];
}

/** A documentation download's targets: time and API RSS growth. */
export function documentTargets(download: DownloadFigures): Target[] {
  const seconds = download.ms / 1000;
  const growthMb = download.rss.growthBytes / MB;
  return [
    {
      label: 'time',
      shown: `${seconds.toFixed(1)} s`,
      target: `< ${EXPORT_TARGETS.maxDocumentSeconds} s`,
      pass: seconds < EXPORT_TARGETS.maxDocumentSeconds,
    },
    {
      label: 'API RSS growth',
      shown: `${growthMb.toFixed(1)} MB`,
      target: `< ${EXPORT_TARGETS.maxDocumentRssGrowthMb} MB`,
      pass: growthMb < EXPORT_TARGETS.maxDocumentRssGrowthMb,
    },
  ];
}

// The Markdown renderer writes each policy's settings as a table under this header row, one row
// per setting (line breaks in cells become spaces), and this note for a withheld policy, which
// the CSV writes as one row.
const SETTINGS_HEADER = '| Setting | Value | Path |';
const TABLE_RULE = /^\| --- \|/;

/**
 * Counts, line by line, the rows the CSV should hold: the setting rows of the Markdown's settings
 * tables plus one per withheld policy. Feed it every line, then read `rows`.
 */
export class MarkdownSettingRows {
  rows = 0;
  private inSettings = false;

  constructor(private readonly withheldNote: string) {}

  line(text: string): void {
    if (text === SETTINGS_HEADER) {
      this.inSettings = true;
      return;
    }
    if (text === this.withheldNote) this.rows += 1;
    if (!this.inSettings) return;
    if (!text.startsWith('|')) this.inSettings = false;
    else if (!TABLE_RULE.test(text)) this.rows += 1;
  }
}
