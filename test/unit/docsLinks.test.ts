// Every relative link and anchor in README.md and docs/*.md resolves: the README was split into
// docs/ pages, and a moved section must not leave a link pointing at nothing.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(__dirname, '..', '..');
const pages = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** Markdown outside fenced code blocks: links and headings in examples are not the page's own. */
function prose(text: string): string {
  return text.replace(/^```[\s\S]*?^```/gm, '');
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, -1, -2 for repeats. */
function anchorsOf(text: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const [, heading] of prose(text).matchAll(/^#{1,6} +(.+?) *$/gm)) {
    const base = (heading ?? '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count ? `${base}-${count}` : base);
  }
  return anchors;
}

const links = pages.flatMap((page) =>
  [...prose(readFileSync(join(root, page), 'utf8')).matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1] ?? '')
    .filter((target) => !/^[a-z]+:/i.test(target))
    .map((target) => ({ page, target })),
);

test('the pages have relative links to check', () => {
  expect(links.length).toBeGreaterThan(20);
});

test.each(links)('$page: $target resolves', ({ page, target }) => {
  const [path = '', anchor] = target.split('#');
  const file = path ? join(dirname(join(root, page)), path) : join(root, page);
  expect({ target, exists: existsSync(file) }).toEqual({ target, exists: true });
  if (anchor === undefined || !file.endsWith('.md')) return;
  const anchors = anchorsOf(readFileSync(file, 'utf8'));
  expect({ target, in: relative(root, file), found: anchors.has(anchor) }).toEqual({
    target,
    in: relative(root, file),
    found: true,
  });
});
