// As-built documentation as CSV for spreadsheet reviews: one row per setting (type, policy, setting
// label, path, value) after a header row. Quoting (RFC 4180: fields with a comma, quote or line
// break quoted, quotes doubled, CRLF between records) is csv-stringify's. No appendix: a change
// is not a setting, and the route refuses changesSince with csv.
import { stringify } from 'csv-stringify/sync';
import type { DocumentedPolicy, DocumentRenderer } from './model';
import { WITHHELD_VALUE } from './model';

export const CSV_HEADER = ['type', 'policy', 'setting', 'path', 'value'] as const;

// A cell starting with = + - @ (or a tab or carriage return) is a formula to Excel and its
// kin: a policy name or value set by anyone with Intune rights would run in the reviewer's
// spreadsheet (CSV injection). escape_formulas prefixes such cells with a quote, as OWASP advises.
// csv-stringify quotes a field holding the record delimiter (CRLF), not a bare CR or LF: a
// multi-line description would split its row, and its second line could start a formula cell
// that escape_formulas never saw. quoted_match quotes those fields too.
const records = (rows: string[][]) =>
  stringify(rows, { record_delimiter: 'windows', escape_formulas: true, quoted_match: /[\r\n]/ });

export function csvRenderer(): DocumentRenderer {
  return {
    start: () => records([[...CSV_HEADER]]),
    typeStart: () => '',
    policy(policy: DocumentedPolicy) {
      const doc = policy.documentation;
      const rows = doc.withheld
        ? [[policy.typeLabel, policy.displayName, '', '', WITHHELD_VALUE]]
        : doc.settings.map((row) => [policy.typeLabel, policy.displayName, row.label, row.path, row.value]);
      return rows.length > 0 ? records(rows) : '';
    },
    appendixStart: () => '',
    change: () => '',
    end: () => '',
  };
}
