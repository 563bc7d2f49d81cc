// The dev stack's SMTP sink: a real SMTP conversation (nodemailer) lands in its JSON and page.
import nodemailer from 'nodemailer';
import { type MailSink, startMailSink } from '../../src/devstack/mailSink';

let sink: MailSink;
beforeAll(async () => {
  sink = await startMailSink();
});
afterAll(async () => {
  await sink.stop();
});

test('a message sent over SMTP is listed with its subject, recipients and both bodies', async () => {
  const transport = nodemailer.createTransport({
    host: sink.smtpHost,
    port: sink.smtpPort,
    secure: false,
    ignoreTLS: true,
    auth: { user: 'worker', pass: 'anything' },
  });
  await transport.sendMail({
    from: 'TenantVault <tenantvault@example.test>',
    to: ['ops@example.test', 'oncall@example.test'],
    subject: 'backup.run.failed: Contoso <nightly>',
    text: 'The nightly run failed.',
    html: '<p>The nightly run <b>failed</b>.</p>',
  });
  transport.close();

  const response = await fetch(`${sink.webUrl}/messages`);
  expect(response.status).toBe(200);
  const { items } = (await response.json()) as { items: Record<string, unknown>[] };
  expect(items).toEqual([
    expect.objectContaining({
      subject: 'backup.run.failed: Contoso <nightly>',
      envelopeFrom: 'tenantvault@example.test',
      envelopeTo: ['ops@example.test', 'oncall@example.test'],
      text: 'The nightly run failed.',
      html: '<p>The nightly run <b>failed</b>.</p>',
    }),
  ]);
  const page = await (await fetch(sink.webUrl)).text();
  // Shown escaped: a subject is text, not markup.
  expect(page).toContain('backup.run.failed: Contoso &lt;nightly&gt;');
  expect(page).not.toContain('<nightly>');
});
