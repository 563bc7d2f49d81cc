// One Graph write, classified so the caller can decide what is safe: Graph has no idempotency key
// (restore-graph.md section 2), so a write is never retried here. Only a 429 says for certain
// that nothing was processed; a 5xx, a timeout or a lost connection may have been processed, and
// resending a create after one is how other tools make duplicates.
import type { GraphHttp, GraphObject } from './graphHttp';
import { isGraphObject, parseGraphError } from './graphHttp';
import { parseRetryAfter } from './retryPolicy';

export type WriteMethod = 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export type WriteAnswer =
  /** Processed; body is the answer's JSON object, or null (204, or a body that is not an object). */
  | { kind: 'ok'; status: number; body: GraphObject | null }
  /** 429: not processed, safe to resend after retryAfterMs (null: Graph sent none, e.g. CA). */
  | { kind: 'throttled'; retryAfterMs: number | null }
  /** Another 4xx: Graph refused the request; resending the same request cannot help. */
  | { kind: 'refused'; status: number; code: string | null; message: string | null }
  /** 5xx, timeout or lost connection: Graph may or may not have processed it. */
  | { kind: 'ambiguous'; status: number; reason: string };

/** Classifies one answer (status and body text) of a write. */
export function classifyWriteAnswer(
  status: number,
  text: string,
  retryAfter: string | null,
  now: number = Date.now(),
): WriteAnswer {
  if (status >= 200 && status < 300) return { kind: 'ok', status, body: parseObject(text) };
  if (status === 429) return { kind: 'throttled', retryAfterMs: parseRetryAfter(retryAfter, now) ?? null };
  if (status >= 400 && status < 500) {
    const { code, message } = parseGraphError(text);
    return { kind: 'refused', status, code: code ?? null, message: message ?? null };
  }
  return { kind: 'ambiguous', status, reason: `Graph answered ${status}` };
}

function parseObject(text: string): GraphObject | null {
  if (text.trim() === '') return null;
  try {
    const body: unknown = JSON.parse(text);
    return isGraphObject(body) ? body : null;
  } catch {
    return null;
  }
}

/** Writes for one tenant over its GraphHttp (token, in-process request budget, transport). */
export class GraphWriter {
  constructor(
    private readonly http: GraphHttp,
    private readonly graphBaseUrl: string,
  ) {}

  /** One attempt of `method path` (path from the version root, e.g. '/deviceManagement/...'). */
  async send(
    version: 'v1.0' | 'beta',
    method: WriteMethod,
    path: string,
    body: unknown,
    signal?: AbortSignal,
  ): Promise<WriteAnswer> {
    const url = `${this.graphBaseUrl}/${version}${path}`;
    try {
      const answer = await this.http.attemptOnce(method, url, body, signal);
      return classifyWriteAnswer(answer.status, answer.text, answer.retryAfter);
    } catch (error) {
      // The caller's cancellation is not an answer: it goes up as it came.
      if (signal?.aborted) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      return { kind: 'ambiguous', status: 0, reason: `no answer: ${reason}` };
    }
  }
}
