import { verifyExport } from '../../export/verify';
import { type AdminCommand, UsageError } from '../command';

export const verifyExportCommand: AdminCommand = {
  name: 'verify-export',
  usage: '<archive file>',
  summary:
    'check an exported backup set (zip or tar.gz) against its SHA256SUMS and manifest.json, offline; ' +
    'exit 0 when every file matches, 1 with each finding',
  async run(args, deps) {
    const [file, ...rest] = args;
    if (!file || file.startsWith('--')) throw new UsageError('the archive file is required');
    if (rest.length > 0) throw new UsageError(`unexpected argument: ${rest[0]}`);
    // Offline on purpose: neither deps.db() nor deps.config() is touched.
    const report = await verifyExport(file);
    deps.print(`${file}: ${report.kind ?? 'unknown format'}, ${report.files} files`);
    deps.print(`manifest: ${report.items} items (${report.withheld} withheld)`);
    for (const finding of report.findings) deps.print(`FAIL ${finding}`);
    deps.print(
      report.findings.length === 0
        ? 'OK: every file matches SHA256SUMS and the manifest'
        : `${report.findings.length} finding(s)`,
    );
    return report.findings.length === 0 ? 0 : 1;
  },
};
