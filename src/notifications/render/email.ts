// An e-mail of an event or a digest: subject, plain text and HTML. Every value from the event is
// escaped in the HTML (names come from Graph and users).
import type { MessageSummary } from './summary';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export function renderEmail(summary: MessageSummary): RenderedEmail {
  const subject = `[TenantVault] ${summary.title}`.replace(/[\r\n]+/g, ' ');
  const text = [
    summary.title,
    '',
    ...summary.facts.map(([name, value]) => `${name}: ${value}`),
    ...(summary.lines.length > 0 ? ['', ...summary.lines] : []),
    '',
    `Open: ${summary.link}`,
    '',
  ].join('\n');
  const rows = summary.facts
    .map(([name, value]) => `<tr><th align="left">${escapeHtml(name)}</th><td>${escapeHtml(value)}</td></tr>`)
    .join('');
  const list = summary.lines.length
    ? `<ul>${summary.lines.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul>`
    : '';
  const html =
    `<!doctype html><html><body><h2>${escapeHtml(summary.title)}</h2><table>${rows}</table>${list}` +
    `<p><a href="${escapeHtml(summary.link)}">Open in TenantVault</a></p></body></html>`;
  return { subject, text, html };
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]!);
}
