// As-built documentation as Markdown (CommonMark with GitHub tables). Text from the tenant goes
// through `cell`/`inline`: a '|' or a line break would end a table row, and Markdown
// punctuation would turn names into links or emphasis.
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

// Backslash-escapes the ASCII punctuation that could start markup inside a line (emphasis, code,
// links, HTML, strikethrough, entity references such as &amp;); '|' too (tables). Line breaks
// become spaces: one row stays one line.
function inline(text: string): string {
  return text.replace(/\r\n|\r|\n/g, ' ').replace(/[\\`*_[\]<>|~&]/g, (c) => `\\${c}`);
}

// A JSON Pointer as code: read as it is (no backslashes but before '|', which GFM tables need even
// inside code), in a fence longer than any run of backticks it holds.
function code(text: string): string {
  const body = text.replace(/\r\n|\r|\n/g, ' ').replaceAll('|', '\\|');
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return longest > 0 ? `${fence} ${body} ${fence}` : `${fence}${body}${fence}`;
}

/** A table of cells already in Markdown (inline() or code()). */
function table(headers: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map((c) => c || ' ').join(' | ')} |\n`;
  return line(headers) + line(headers.map(() => '---')) + rows.map(line).join('');
}

const texts = (...cells: string[]) => cells.map(inline);

export function markdownRenderer(): DocumentRenderer {
  return {
    start(summary: DocumentSummary) {
      const run = runOutcomeText(summary);
      return (
        `# As-built documentation: ${inline(summary.tenant.displayName)}\n\n` +
        `- Azure tenant: ${inline(summary.tenant.azureTenantId)}\n` +
        `- Backup set: ${summary.backupSetId}\n` +
        `- Captured: ${summary.capturedAt.toISOString()}\n` +
        `- Run outcome: ${run}\n` +
        `- Policies: ${summary.itemCount}\n\n` +
        '## Summary\n\n' +
        table(
          ['Policy type', 'Policies', 'Outcome'],
          summary.types.map((type) => texts(type.label, String(type.count), type.outcome ?? '')),
        )
      );
    },
    typeStart(type) {
      return `\n## ${inline(type.label)} (${type.count})\n`;
    },
    policy(policy: DocumentedPolicy) {
      const doc = policy.documentation;
      let text = `\n### ${inline(policy.displayName)}\n\nGraph id: ${code(policy.graphId)}\n\n`;
      if (doc.withheld) text += `${WITHHELD_NOTE}\n\n`;
      else if (doc.settings.length === 0) text += 'No settings.\n\n';
      else
        text += `${table(
          ['Setting', 'Value', 'Path'],
          doc.settings.map((row) => [...texts(row.label, row.value), code(row.path)]),
        )}\n`;
      if (doc.assignments.length === 0) return `${text}Assignments: none.\n`;
      const rows = doc.assignments
        .map(assignmentCells)
        .map((a) => texts(a.mode, a.target, a.group, a.filter));
      return `${text}Assignments:\n\n${table(['Mode', 'Target', 'Group', 'Filter'], rows)}`;
    },
    appendixStart(summary: DocumentSummary) {
      const since = summary.changesSince;
      if (!since) return '';
      return (
        `\n## Appendix: changes since ${since.capturedAt.toISOString()}\n\n` +
        `From backup set ${since.backupSetId} to ${summary.backupSetId}.\n`
      );
    },
    change(change: AppendixChange) {
      const who = changedByText(change);
      let text =
        `\n### ${inline(change.displayName)} (${inline(change.typeLabel)}): ${change.change}\n\n` +
        `Changed by: ${inline(who)}\n\n`;
      if (change.fields.length > 0)
        text += table(
          ['Field', 'Change', 'Before', 'After', 'Path'],
          change.fields.map((f) => [...texts(f.label, f.op, f.before ?? '', f.after ?? ''), code(f.path)]),
        );
      return text;
    },
    end() {
      return '';
    },
  };
}
