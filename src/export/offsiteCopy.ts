// Pure rules of a set's offsite copy (src/activities/copyOffsite.ts): the object names, what an
// upload's outcome means, and the error text that may be recorded. Unit-tested.
import type { OffsitePutOutcome } from './types';

export interface OffsiteObjectNames {
  objectName: string;
  manifestObjectName: string;
}

const ARCHIVE_EXTENSION = /\.(zip|tar\.gz)$/;

/** `<prefix><tenant slug>/<file name>` and the manifest beside it (common to every store kind). */
export function offsiteObjectNames(prefix: string, tenantSlug: string, fileName: string): OffsiteObjectNames {
  const objectName = `${prefix}${tenantSlug}/${fileName}`;
  return { objectName, manifestObjectName: `${objectName.replace(ARCHIVE_EXTENSION, '')}.manifest.json` };
}

/** Codes of the copy's failures that no retry can fix (the activity fails them non-retryable). */
export const OFFSITE_OBJECT_CONFLICT = 'offsite_object_conflict';

export type PutVerdict = { accepted: true; etag: string } | { accepted: false; reason: string };

/**
 * A created object is ours. An existing one is accepted only when it holds exactly our bytes (an
 * earlier attempt wrote it and its answer was lost): the same archive is byte-identical every
 * time, so any other size or hash is someone else's object, and a copy never overwrites.
 */
export function putVerdict(
  outcome: OffsitePutOutcome,
  expected: { size: number; sha256: string },
  name: string,
): PutVerdict {
  if (outcome.kind === 'created') return { accepted: true, etag: outcome.etag };
  if (outcome.size === expected.size && outcome.sha256 === expected.sha256)
    return { accepted: true, etag: outcome.etag };
  const found = outcome.sha256 ? `SHA-256 ${outcome.sha256}` : 'no SHA-256 metadata';
  return {
    accepted: false,
    reason: `${name} already exists with other content (${outcome.size} bytes, ${found}; expected ${expected.size} bytes, SHA-256 ${expected.sha256}); it is never overwritten`,
  };
}

const MAX_MESSAGE = 500;

// What store SDKs may echo in an error: request URLs with a SAS query, connection strings,
// signed headers. Removed by shape, since the credentials themselves are not at hand here.
const SECRET_SHAPES: [RegExp, string][] = [
  [/(https?:\/\/[^\s?"']+)\?[^\s"']*/gi, '$1?…'],
  [/\b(AccountKey|SharedAccessSignature|SharedAccessKey|sig|signature)=[^;&\s"']+/gi, '$1=…'],
  [/\b(X-Amz-[A-Za-z-]+|Credential)=[^&\s"']+/gi, '$1=…'],
  [/\bAuthorization:\s*\S+(\s+\S+)?/gi, 'Authorization: …'],
];

/** An error message as it may be stored, logged and put in Temporal payloads: no secret, short. */
export function secretFreeMessage(message: string): string {
  let text = message;
  for (const [shape, replacement] of SECRET_SHAPES) text = text.replace(shape, replacement);
  text = text.replace(/\s+/g, ' ').trim();
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 1)}…` : text;
}

/** The moment a copy made at `now` stays immutable until, when the destination asks for it. */
export function immutableUntilOf(now: Date, immutabilityDays: number | null): Date | undefined {
  return immutabilityDays ? new Date(now.getTime() + immutabilityDays * 86_400_000) : undefined;
}
