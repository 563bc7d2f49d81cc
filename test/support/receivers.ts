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

export type Answer = { status: number; headers?: Record<string, string> };

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
      const { status, headers } = answer(request, index);
      void hold(index).then(() => {
        if (!res.destroyed) res.writeHead(status, headers).end('receiver text that must not be stored');
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
  /** Each AUTH the sink saw (when it requires one): the user, and whether the password matched. */
  authenticated: { user: string | undefined; passwordMatched: boolean }[];
  close(): Promise<void>;
}

/**
 * An SMTP server on loopback that accepts everything, without STARTTLS; without `auth` it takes
 * no authentication, with it it requires that user and password (over plain text on loopback,
 * which smtp-server allows only when told: allowInsecureAuth).
 */
export async function startSmtpSink(auth?: { user: string; password: string }): Promise<SmtpSink> {
  const messages: SmtpSink['messages'] = [];
  const authenticated: SmtpSink['authenticated'] = [];
  const server = new SMTPServer({
    authOptional: auth === undefined,
    allowInsecureAuth: true,
    disabledCommands: auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    logger: false,
    onAuth(credentials, _session, callback) {
      const passwordMatched = credentials.password === auth?.password;
      authenticated.push({ user: credentials.username, passwordMatched });
      if (credentials.username !== auth?.user || !passwordMatched)
        return callback(new Error('bad credentials'));
      callback(null, { user: credentials.username });
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
  return {
    port,
    messages,
    authenticated,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
