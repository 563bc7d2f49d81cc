// As-built documentation as one self-contained HTML page: inline CSS (with a print stylesheet),
// no external assets, no scripts. Every text from the tenant or the set goes through escape-html,
// so a policy named `<script>` is text. The security headers' CSP (default-src 'none' for this
// route's answers would also do) is not relied on: the page is safe saved to disk and opened.
import escapeHtml from 'escape-html';
import {
  type AppendixChange,
  assignmentCells,
  changedByText,
  type DocumentedPolicy,
  type DocumentRenderer,
  type DocumentSummary,
  runOutcomeText,
  WITHHELD_NOTE,
} from './model';

const e = (text: string) => escapeHtml(text);

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;margin:2rem auto;max-width:72rem;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.25rem}h2{font-size:1.25rem;border-bottom:2px solid #d0d7de;padding-bottom:.2rem;margin-top:2rem}
h3{font-size:1.05rem;margin:1.5rem 0 .3rem}dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:0 0 1rem}
dl.meta dt{font-weight:600}dl.meta dd{margin:0}.id{color:#57606a;font-size:.85em;font-family:ui-monospace,Consolas,monospace}
table{border-collapse:collapse;width:100%;margin:.4rem 0 .8rem;font-size:.92em}th,td{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.value{font-family:ui-monospace,Consolas,monospace;word-break:break-word}td.path{color:#57606a;font-size:.85em;word-break:break-all}
.note{color:#9a6700;background:#fff8c5;padding:.3rem .6rem;border-radius:4px}.exclude{color:#cf222e;font-weight:600}.include{color:#1a7f37;font-weight:600}
section.policy{break-inside:avoid-page}
@media print{body{margin:0;max-width:none;font-size:10pt}h2{break-before:page}h2.first{break-before:avoid}
section.policy{break-inside:avoid}th{background:#eee!important;-webkit-print-color-adjust:exact;print-color-adjust:exact}a{color:inherit;text-decoration:none}}
`;

function table(headers: string[], rows: { cells: string[]; classes?: string[] }[]): string {
  const head = `<tr>${headers.map((h) => `<th>${e(h)}</th>`).join('')}</tr>`;
  const body = rows
    .map(
      (row) =>
        `<tr>${row.cells.map((c, i) => `<td${row.classes?.[i] ? ` class="${row.classes[i]}"` : ''}>${e(c)}</td>`).join('')}</tr>`,
    )
    .join('\n');
  return `<table><thead>${head}</thead><tbody>\n${body}\n</tbody></table>\n`;
}

export function htmlRenderer(): DocumentRenderer {
  let typeIndex = 0;
  return {
    start(summary: DocumentSummary) {
      const title = `As-built documentation: ${summary.tenant.displayName}`;
      const run = runOutcomeText(summary);
      return (
        `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n` +
        `<meta name="viewport" content="width=device-width, initial-scale=1">\n` +
        `<title>${e(title)}</title>\n<style>${STYLE}</style></head>\n<body>\n` +
        `<h1>${e(title)}</h1>\n<dl class="meta">` +
        `<dt>Azure tenant</dt><dd>${e(summary.tenant.azureTenantId)}</dd>` +
        `<dt>Backup set</dt><dd>${e(summary.backupSetId)}</dd>` +
        `<dt>Captured</dt><dd>${e(summary.capturedAt.toISOString())}</dd>` +
        `<dt>Run outcome</dt><dd>${e(run)}</dd><dt>Policies</dt><dd>${summary.itemCount}</dd></dl>\n` +
        `<h2 class="first">Summary</h2>\n` +
        table(
          ['Policy type', 'Policies', 'Outcome'],
          summary.types.map((type) => ({ cells: [type.label, String(type.count), type.outcome ?? ''] })),
        )
      );
    },
    typeStart(type) {
      typeIndex += 1;
      return `<h2 id="type-${typeIndex}">${e(type.label)} (${type.count})</h2>\n`;
    },
    policy(policy: DocumentedPolicy) {
      const doc = policy.documentation;
      let html = `<section class="policy"><h3>${e(policy.displayName)}</h3><div class="id">${e(policy.graphId)}</div>\n`;
      if (doc.withheld) html += `<p class="note">${e(WITHHELD_NOTE)}</p>\n`;
      else if (doc.settings.length === 0) html += '<p>No settings.</p>\n';
      else
        html += table(
          ['Setting', 'Value', 'Path'],
          doc.settings.map((row) => ({
            cells: [row.label, row.value, row.path],
            classes: ['', 'value', 'path'],
          })),
        );
      if (doc.assignments.length === 0) html += '<p>Assignments: none.</p>\n';
      else
        html += table(
          ['Mode', 'Target', 'Group', 'Filter'],
          doc.assignments.map(assignmentCells).map((a) => ({
            cells: [a.mode, a.target, a.group, a.filter],
            classes: [a.mode],
          })),
        );
      return `${html}</section>\n`;
    },
    appendixStart(summary: DocumentSummary) {
      const since = summary.changesSince;
      if (!since) return '';
      return (
        `<h2>Appendix: changes since ${e(since.capturedAt.toISOString())}</h2>\n` +
        `<p>From backup set ${e(since.backupSetId)} to ${e(summary.backupSetId)}.</p>\n`
      );
    },
    change(change: AppendixChange) {
      const who = changedByText(change);
      let html =
        `<section class="policy"><h3>${e(change.displayName)} <span class="id">${e(change.typeLabel)}: ${e(change.change)}</span></h3>\n` +
        `<p>Changed by: ${e(who)}</p>\n`;
      if (change.fields.length > 0)
        html += table(
          ['Field', 'Change', 'Before', 'After', 'Path'],
          change.fields.map((f) => ({
            cells: [f.label, f.op, f.before ?? '', f.after ?? '', f.path],
            classes: ['', '', 'value', 'value', 'path'],
          })),
        );
      return `${html}</section>\n`;
    },
    end() {
      return '</body></html>\n';
    },
  };
}
