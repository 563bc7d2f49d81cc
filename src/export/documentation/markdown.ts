// As-built documentation as Markdown (CommonMark with GitHub tables). Text from the tenant goes
// through `cell`/`inline`: a '|' or a line break would end a table row, and Markdown
// punctuation would turn names into links or emphasis.
import {
  type AppendixChange,
  assignmentCells,
  type DocumentedPolicy,
  type DocumentRenderer,
  type DocumentSummary,
  WITHHELD_NOTE,
} from './model';

// Backslash-escapes every ASCII punctuation character CommonMark lets a backslash escape that
// could start markup; '|' too (tables). Line breaks become spaces: one row stays one line.
function inline(text: string): string {
  return text.replace(/\r\n|\r|\n/g, ' ').replace(/[\\`*_{}[\]()<>#+!|~]/g, (c) => `\\${c}`);
}

const cell = (text: string) => inline(text) || ' ';

function table(headers: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |\n`;
  return line(headers) + line(headers.map(() => '---')) + rows.map((row) => line(row.map(cell))).join('');
}

export function markdownRenderer(): DocumentRenderer {
  return {
    start(summary: DocumentSummary) {
      const run = summary.run ? `${summary.run.status} (run ${summary.run.id})` : 'unknown';
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
          summary.types.map((type) => [type.label, String(type.count), type.outcome ?? '']),
        )
      );
    },
    typeStart(type) {
      return `\n## ${inline(type.label)} (${type.count})\n`;
    },
    policy(policy: DocumentedPolicy) {
      const doc = policy.documentation;
      let text = `\n### ${inline(policy.displayName)}\n\nGraph id: ${inline(policy.graphId)}\n\n`;
      if (doc.withheld) text += `${WITHHELD_NOTE}\n\n`;
      else if (doc.settings.length === 0) text += 'No settings.\n\n';
      else
        text += `${table(
          ['Setting', 'Value', 'Path'],
          doc.settings.map((row) => [row.label, row.value, row.path]),
        )}\n`;
      if (doc.assignments.length === 0) return `${text}Assignments: none.\n`;
      const rows = doc.assignments.map(assignmentCells).map((a) => [a.mode, a.target, a.group, a.filter]);
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
      const who = change.actors
        ? change.actors.length > 0
          ? change.actors.join('; ')
          : 'no audit event'
        : `unknown${change.actorsUnknown ? ` (${change.actorsUnknown})` : ''}`;
      let text =
        `\n### ${inline(change.displayName)} (${inline(change.typeLabel)}): ${change.change}\n\n` +
        `Changed by: ${inline(who)}\n\n`;
      if (change.fields.length > 0)
        text += table(
          ['Field', 'Change', 'Before', 'After', 'Path'],
          change.fields.map((f) => [f.label, f.op, f.before ?? '', f.after ?? '', f.path]),
        );
      return text;
    },
    end() {
      return '';
    },
  };
}
