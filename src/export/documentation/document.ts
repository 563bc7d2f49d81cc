// Writes one set's as-built documentation to a stream: the summary, then the set's policies a page
// at a time (payloads, setting names and reference names read per page), each written as soon as
// it is documented, then the appendix of changes as its pages come. Memory holds one page.
import { once } from 'node:events';
import type { Db } from '../../db/client';
import { documentedItemsPage, type DocumentPosition, referenceNames } from '../../db/documentation';
import { isPolicyTypeKey, mayHoldScripts, POLICY_TYPES, unescapeStoredText } from '../../graph';
import { csvRenderer } from './csv';
import { htmlRenderer } from './html';
import { SettingLabelCache } from './labelCache';
import { markdownRenderer } from './markdown';
import type { AppendixChange, DocumentationFormat, DocumentRenderer, DocumentSummary } from './model';
import { documentPolicy } from './rows';

const RENDERERS: Record<DocumentationFormat, () => DocumentRenderer> = {
  md: markdownRenderer,
  html: htmlRenderer,
  csv: csvRenderer,
};

/** Items per page: settings catalog payloads reach ~500 KB, so 50 stay within ~25 MB. */
export const DOCUMENT_PAGE_ITEMS = 50;

export function policyTypeLabel(policyType: string): string {
  return isPolicyTypeKey(policyType) ? POLICY_TYPES[policyType].displayName : policyType;
}

/** Writes `text`, waiting while the stream is full; throws when the reader went away. */
export async function put(out: NodeJS.WritableStream, text: string): Promise<void> {
  const gone = () => (out as { destroyed?: boolean }).destroyed === true;
  // A response whose client left is destroyed and has emitted 'close' already: its writes return
  // false, and waiting for 'drain' or another 'close' would wait forever.
  if (gone()) throw new Error('documentation reader went away');
  if (text === '' || out.write(text)) return;
  if (gone()) throw new Error('documentation reader went away');
  await Promise.race([once(out as NodeJS.EventEmitter, 'drain'), once(out as NodeJS.EventEmitter, 'close')]);
  if (gone()) throw new Error('documentation reader went away');
}

// The group and filter ids a page's assignments name, to read their names in one query.
const REFERENCE_PROPERTIES = {
  groupId: 'group',
  deviceAndAppManagementAssignmentFilterId: 'assignmentFilter',
};

function assignmentReferences(payload: unknown): { kind: string; objectId: string }[] {
  const assignments = (payload as { assignments?: unknown } | null)?.assignments;
  if (!Array.isArray(assignments)) return [];
  return assignments.flatMap((assignment) => {
    const target = (assignment as { target?: Record<string, unknown> } | null)?.target ?? {};
    return Object.entries(REFERENCE_PROPERTIES).flatMap(([property, kind]) =>
      typeof target[property] === 'string' ? [{ kind, objectId: target[property] as string }] : [],
    );
  });
}

export interface DocumentationInput {
  summary: DocumentSummary;
  format: DocumentationFormat;
  mayReadScripts: boolean;
  appendix?: AsyncIterable<AppendixChange>;
}

export async function writeDocumentation(
  db: Db,
  input: DocumentationInput,
  out: NodeJS.WritableStream,
): Promise<void> {
  const { summary } = input;
  const renderer = RENDERERS[input.format]();
  const labels = new SettingLabelCache(db);
  const withoutContent = input.mayReadScripts
    ? []
    : summary.types.map((type) => type.policyType).filter(mayHoldScripts);
  await put(out, renderer.start(summary));
  const types = new Map(summary.types.map((type) => [type.policyType, type]));
  let currentType: string | undefined;
  let after: DocumentPosition | undefined;
  for (;;) {
    const items = await documentedItemsPage(db, summary.backupSetId, {
      limit: DOCUMENT_PAGE_ITEMS,
      withoutContent,
      ...(after ? { after } : {}),
    });
    if (items.length === 0) break;
    await labels.load(items.map((item) => item.content));
    const names = await referenceNames(
      db,
      summary.backupSetId,
      items.flatMap((item) => assignmentReferences(item.content)),
    );
    const documentationLabels = {
      settingName: labels.settingName,
      optionName: labels.optionName,
      referenceName: (kind: string, id: string) => {
        const name = names.get(`${kind}:${id}`);
        return name === undefined ? undefined : unescapeStoredText(name);
      },
    };
    for (const item of items) {
      if (item.policyType !== currentType) {
        currentType = item.policyType;
        const type = types.get(currentType);
        if (type) await put(out, renderer.typeStart(type));
      }
      const documentation = documentPolicy(
        { policyType: item.policyType, payload: item.content, mayReadScripts: input.mayReadScripts },
        documentationLabels,
      );
      await put(
        out,
        renderer.policy({
          policyType: item.policyType,
          typeLabel: policyTypeLabel(item.policyType),
          graphId: unescapeStoredText(item.graphId),
          displayName: unescapeStoredText(item.displayName),
          documentation,
        }),
      );
    }
    const last = items[items.length - 1] as (typeof items)[number];
    after = { policyType: last.policyType, displayName: last.displayName, id: last.id };
  }
  if (input.appendix) {
    await put(out, renderer.appendixStart(summary));
    for await (const change of input.appendix) await put(out, renderer.change(change));
  }
  await put(out, renderer.end());
}
