import { parseDocument, MAX_DOCUMENT_BYTES } from '@srv6/schema';

const BILLION_LAUGHS = `
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
`;

describe('parseDocument', () => {
  test.each([
    ['YAML', 'kind: Intent\nspec: { hosts: [a] }\n', { kind: 'Intent', spec: { hosts: ['a'] } }],
    [
      'JSON',
      '{"kind":"Intent","spec":{"hosts":["a"]}}',
      { kind: 'Intent', spec: { hosts: ['a'] } },
    ],
    ['a few aliases', 'x: &x 1\ny: *x\n', { x: 1, y: 1 }],
  ])('parses %s', (_name, text, expected) => {
    expect(parseDocument(text)).toEqual({ ok: true, value: expected });
  });

  test.each([
    ['billion laughs', BILLION_LAUGHS, /too many aliases \(limit 100\).*billion laughs/],
    ['duplicate keys', 'a: 1\na: 2\n', /invalid YAML: Map keys must be unique/],
    [
      'two documents',
      'a: 1\n---\nb: 2\n',
      /^invalid YAML: more than one document \(another starts at line 2, column 1\); give one document at a time$/,
    ],
    ['a tab for indentation', 'a:\n\t- 1\n', /^invalid YAML: .* at line 2, column 1$/],
    ['broken JSON', '{"a": ', /invalid JSON/],
    ['empty text', '  \n', /document is empty/],
    [
      'oversized',
      'a: "' + 'x'.repeat(MAX_DOCUMENT_BYTES) + '"\n',
      /larger than the limit of 1048576 bytes/,
    ],
  ])('refuses %s', (_name, text, message) => {
    const result = parseDocument(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors[0]!.path).toBe('');
    expect(result.errors[0]!.message).toMatch(message);
    // One line each: clients print errors as `path: message` lines (the CLI does).
    for (const error of result.errors) expect(error.message).not.toContain('\n');
  });

  test('checks the size limit before parsing', () => {
    const result = parseDocument('{ not even parsed', { maxBytes: 8 });
    expect(result).toEqual({
      ok: false,
      errors: [{ path: '', message: 'document is 17 bytes, larger than the limit of 8 bytes' }],
    });
  });
});
