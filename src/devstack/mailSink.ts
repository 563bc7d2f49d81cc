// A local SMTP sink for `npm run dev` and tests: accepts every message on loopback (no TLS, any
// or no login), keeps the latest in memory, and shows them as a page (/) and as JSON
// (/messages), so e-mail notifications can be tried without a mail server.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface SinkMessage {
  id: number;
  receivedAt: string;
  /** The envelope (MAIL FROM, RCPT TO): where the message was actually sent. */
  envelopeFrom: string | null;
  envelopeTo: string[];
  from: string | null;
  to: string | null;
  subject: string | null;
  text: string | null;
  html: string | null;
}

export interface MailSink {
  smtpHost: string;
  smtpPort: number;
  /** The page; JSON at `${webUrl}/messages`. */
  webUrl: string;
  messages: SinkMessage[];
  stop(): Promise<void>;
}

export interface MailSinkOptions {
  /** 0 (default): a free port. */
  smtpPort?: number;
  webPort?: number;
  /** Older messages are dropped beyond this many. */
  keep?: number;
  /** Where both servers listen: 127.0.0.1 (default), or 0.0.0.0; clients use 127.0.0.1. */
  listenAddress?: string;
}

const HOST = '127.0.0.1';

export async function startMailSink(options: MailSinkOptions = {}): Promise<MailSink> {
  const messages: SinkMessage[] = [];
  let nextId = 1;
  const smtp = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    // Any credentials pass: the sink stands in for whatever server the worker is configured for.
    onAuth: (_auth, _session, callback) => callback(null, { user: 'sink' }),
    size: 10 * 1024 * 1024,
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          messages.push({
            id: nextId++,
            receivedAt: new Date().toISOString(),
            envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
            envelopeTo: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            from: parsed.from?.text ?? null,
            to: addressText(parsed.to),
            subject: parsed.subject ?? null,
            text: parsed.text ?? null,
            html: typeof parsed.html === 'string' ? parsed.html : null,
          });
          messages.splice(0, Math.max(0, messages.length - (options.keep ?? 500)));
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve, reject) => {
    smtp.server.once('error', reject);
    smtp.listen(options.smtpPort ?? 0, options.listenAddress ?? HOST, () => resolve());
  });
  const web = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://sink').pathname;
    if (request.method === 'GET' && path === '/messages') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ items: messages }));
    } else if (request.method === 'GET' && path === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(page(messages));
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    web.once('error', reject);
    web.listen(options.webPort ?? 0, options.listenAddress ?? HOST, () => resolve());
  });
  return {
    smtpHost: HOST,
    smtpPort: (smtp.server.address() as AddressInfo).port,
    webUrl: `http://${HOST}:${(web.address() as AddressInfo).port}`,
    messages,
    stop: () =>
      Promise.all([
        new Promise<void>((resolve) => smtp.close(() => resolve())),
        new Promise<void>((resolve) => (web as Server).close(() => resolve())),
      ]).then(() => undefined),
  };
}

function addressText(to: { text: string } | { text: string }[] | undefined): string | null {
  if (!to) return null;
  return Array.isArray(to) ? to.map((entry) => entry.text).join(', ') : to.text;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const htmlText = (text: string | null) => (text ?? '').replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);

/** Newest first; the HTML bodies are shown as text (a notification's HTML is not run here). */
function page(messages: SinkMessage[]): string {
  const rows = [...messages]
    .reverse()
    .map(
      (message) => `<article><h2>${htmlText(message.subject)}</h2>
<p>${htmlText(message.receivedAt)} · from ${htmlText(message.from)} · to ${htmlText(message.envelopeTo.join(', '))}</p>
<pre>${htmlText(message.text)}</pre>
<details><summary>HTML</summary><pre>${htmlText(message.html)}</pre></details></article>`,
    )
    .join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>TenantVault mail sink</title>
<meta http-equiv="refresh" content="10"></head><body><h1>Mail sink (${messages.length})</h1>
<p>JSON: <a href="/messages">/messages</a></p>${rows || '<p>No messages yet.</p>'}</body></html>`;
}
