// Tenant text in the Markdown document stays the text it is: CommonMark decodes entity references
// (&amp; &#124; &lt;) in text, so a policy named "AT&amp;T" would print as "AT&T" unless its "&"
// is escaped like the other punctuation.
import { markdownRenderer } from '../../src/export/documentation/markdown';
import { documentedPolicy } from '../support/documentedPolicy';

test('an entity reference in a name or value is escaped, not decoded by the reader', () => {
  const text = markdownRenderer().policy(
    documentedPolicy('AT&amp;T <b>', [{ label: 'Note', path: '/note', value: 'a &#124; b' }]),
  );
  expect(text).toContain('### AT\\&amp;T \\<b\\>\n');
  expect(text).toContain('| Note | a \\&#124; b | `/note` |');
});
