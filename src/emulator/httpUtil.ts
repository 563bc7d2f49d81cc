import type { IncomingMessage, ServerResponse } from 'node:http';

/** What a handler answers; the server writes it, so handlers stay free of stream handling. */
export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Reset the connection instead of answering (a response lost on the way, as a client sees it). */
  dropConnection?: boolean;
}

export function sendReply(res: ServerResponse, reply: Reply): void {
  if (reply.dropConnection) {
    res.destroy();
    return;
  }
  if (reply.body === undefined) {
    res.writeHead(reply.status, { 'content-length': 0, ...reply.headers });
    res.end();
    return;
  }
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...reply.headers,
  });
  res.end(text);
}

const MAX_BODY_BYTES = 64 * 1024;

export class BodyTooLargeError extends Error {}

/** Graph's own limit on a request body (a settings catalog PUT with all its settings fits). */
export const GRAPH_WRITE_MAX_BYTES = 4 * 1024 * 1024;

/** Reads a small request body (token requests); larger bodies are refused, not buffered. */
export async function readBody(req: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maxBytes) throw new BodyTooLargeError('request body too large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
