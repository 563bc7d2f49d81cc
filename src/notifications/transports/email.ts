// E-mail over SMTP (nodemailer), configured once from SMTP_* variables. A failure is retried on
// the schedule like any other; the SMTP server's reply code stands in for a status code.
import nodemailer, { type Transporter } from 'nodemailer';
import type { RenderedEmail } from '../render/email';
import type { SendResult } from './outcome';

export interface SmtpSettings {
  host: string;
  port: number;
  /**
   * TLS from the first byte (465); otherwise STARTTLS when the server offers it, and required
   * when there is a password to send (a server or a man in the middle that leaves STARTTLS out
   * would otherwise get it in the clear).
   */
  secure: boolean;
  user?: string;
  password?: string;
  from: string;
  /** Extra CA (a test sink's self-signed certificate). */
  trustedCaPem?: string;
}

const SMTP_TIMEOUT_MS = 15_000;

export function createSmtpTransport(settings: SmtpSettings): Transporter {
  return nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    ...(settings.user
      ? { auth: { user: settings.user, pass: settings.password ?? '' }, requireTLS: !settings.secure }
      : {}),
    connectionTimeout: SMTP_TIMEOUT_MS,
    greetingTimeout: SMTP_TIMEOUT_MS,
    socketTimeout: SMTP_TIMEOUT_MS,
    ...(settings.trustedCaPem ? { tls: { ca: [settings.trustedCaPem] } } : {}),
  });
}

export async function sendEmail(
  transport: Transporter,
  from: string,
  recipients: string[],
  email: RenderedEmail,
  headers: Record<string, string>,
): Promise<SendResult> {
  if (recipients.length === 0) return { outcome: 'failed', error: 'the channel has no recipients' };
  try {
    await transport.sendMail({ from, to: recipients, ...email, headers });
    return { outcome: 'succeeded' };
  } catch (error) {
    const { responseCode, code } = error as { responseCode?: number; code?: string };
    return {
      outcome: 'failed',
      ...(typeof responseCode === 'number' ? { statusCode: responseCode } : {}),
      // The code only: a server's message can echo addresses and credentials.
      error: `the mail server refused or failed (${code ?? responseCode ?? 'error'})`,
    };
  }
}
