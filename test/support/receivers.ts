// Real receivers on loopback for notification tests: an https server with a certificate from a
// CA made for the test (the worker trusts it as NOTIFICATION_CA_FILE would make it), and an SMTP
// sink. Each records what it got.
import type { IncomingHttpHeaders } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { loadOrCreateTls } from '../../src/emulator/tls';

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Receiver {
  /** https://127.0.0.1:<port> */
  origin: string;
  /** The allowlist key (127.0.0.1:<port>). */
  host: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

export type Answer = { status: number; headers?: Record<string, string>; body?: string };

/** An https receiver answering each request with `answer(request, index)`. */
export async function startHttpsReceiver(
  caPem: { certPem: string; keyPem: string },
  answer: (request: ReceivedRequest, index: number) => Answer,
  /** Resolves when the answer may be sent (a test holding one back); at once by default. */
  hold: (index: number) => Promise<void> = () => Promise.resolve(),
): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const server = createHttpsServer({ cert: caPem.certPem, key: caPem.keyPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = {
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      const index = requests.length - 1;
      const { status, headers, body } = answer(request, index);
      void hold(index).then(() => {
        if (!res.destroyed)
          res.writeHead(status, headers).end(body ?? 'receiver text that must not be stored');
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `https://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    requests,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A CA and a certificate for localhost and 127.0.0.1, made for this test run. */
export const testTls = () => loadOrCreateTls();

export interface SmtpSink {
  port: number;
  messages: { envelopeTo: string[]; mail: ParsedMail }[];
  /** Credentials clients logged in with, and whether the connection was TLS by then. */
  logins: { username: string; password: string; overTls: boolean }[];
  close(): Promise<void>;
}

/**
 * An SMTP server on loopback that accepts everything. By default without STARTTLS or
 * authentication; `auth` makes it ask for a login (accepting any), offering STARTTLS only when
 * given a certificate (`tls`) and accepting a login without TLS otherwise, as a careless or
 * downgraded server would.
 */
export async function startSmtpSink(
  options: { auth?: boolean; tls?: { certPem: string; keyPem: string } } = {},
): Promise<SmtpSink> {
  const messages: SmtpSink['messages'] = [];
  const logins: SmtpSink['logins'] = [];
  const server = new SMTPServer({
    logger: false,
    ...(options.auth
      ? { authOptional: false, allowInsecureAuth: true, authMethods: ['PLAIN', 'LOGIN'] }
      : { authOptional: true }),
    disabledCommands: [...(options.tls ? [] : ['STARTTLS']), ...(options.auth ? [] : ['AUTH'])],
    ...(options.tls ? { key: options.tls.keyPem, cert: options.tls.certPem } : {}),
    onAuth(auth, session, callback) {
      logins.push({ username: auth.username ?? '', password: auth.password ?? '', overTls: session.secure });
      callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          messages.push({ envelopeTo: session.envelope.rcptTo.map((rcpt) => rcpt.address), mail });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { port, messages, logins, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
