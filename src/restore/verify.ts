// After the writes, the object read back (like a backup reads it) is compared with what was sent,
// on the keys that were sent only: Graph fills defaults, which are not changes (restore-graph.md
// section 7c). Anything else Graph altered is listed as a server change.
import { canonicalFormOf, canonicalTextAt } from '../graph/canonical';
import { restorableContent } from './content';
import { intendedPayload, type StepInput } from './steps';
import type { GraphJson, Verification } from './types';

export { restorableContent } from './content';

export interface ServerChange {
  path: string;
  sent: unknown;
  got: unknown;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

// null and absent are one state (docs/api.md "Field-level changes"); so is an empty array.
const isEmpty = (value: unknown): boolean =>
  value === null || value === undefined || (Array.isArray(value) && value.length === 0);

/** The content an item's steps write, as restorableContent shapes it. */
export function sentContent(input: StepInput): GraphJson {
  const content = restorableContent(input.policyType, intendedPayload(input));
  if (input.assignments === 'skip') delete content.assignments;
  return content;
}

function compare(
  form: ReturnType<typeof canonicalFormOf>,
  sent: Record<string, unknown>,
  got: Record<string, unknown>,
  path: string,
  parent: string,
  out: ServerChange[],
): void {
  for (const [key, value] of Object.entries(sent)) {
    const received = got[key];
    const at = `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (isPlainObject(value) && isPlainObject(received)) {
      compare(form, value, received, at, key, out);
      continue;
    }
    if (isEmpty(value) && isEmpty(received)) continue;
    if (canonicalTextAt(value, form, parent, key) !== canonicalTextAt(received, form, parent, key))
      out.push({ path: at, sent: value, got: received });
  }
}

export function verifyRestored(
  input: StepInput,
  readBack: GraphJson,
): { verification: Verification; serverChanges: ServerChange[] } {
  const sent = sentContent(input);
  const got = restorableContent(input.policyType, readBack);
  const form = canonicalFormOf(input.policyType, readBack);
  const serverChanges: ServerChange[] = [];
  compare(form, sent, got, '', '', serverChanges);
  return {
    verification: serverChanges.length === 0 ? 'verified' : 'verified_with_server_changes',
    serverChanges,
  };
}
