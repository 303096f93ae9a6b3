/**
 * Input meant to hurt (issue 5, bad input), at the level of the schema library: what the fuzz
 * test (test/bad-input-fuzz.spec.ts) found, each refused cheaply with a reason, or normalised.
 */
import {
  MAX_NESTING_DEPTH,
  MAX_OBJECT_FIELDS,
  parseDocument,
  validateIntent,
  validateTopology,
} from '@srv6/schema';
import { edited, errorsOf, loadFixture } from './support.js';

const intent = loadFixture('spec-intent.yaml');
const topology = loadFixture('spec-topology.yaml');
const nested = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;

/** Runs `work`, returning its result and how long it took in ms. */
function timed<T>(work: () => T): [T, number] {
  const started = performance.now();
  const result = work();
  return [result, performance.now() - started];
}

describe('parseDocument refuses cheaply', () => {
  test.each([
    ['a 1 MiB YAML bracket bomb', `a: ${nested(500_000)}`],
    ['block sequences nested on one line', `${'- '.repeat(400_000)}x`],
    ['tagged flow collections', `a: ${'!!seq ['.repeat(100_000)}${']'.repeat(100_000)}`],
    ['JSON nested 300,000 deep', `{"a":${nested(300_000)}}`],
    ['JSON one level too deep', `{"a":${nested(MAX_NESTING_DEPTH)}}`],
  ])('%s: too deep, within 200 ms', (_name, text) => {
    const [result, ms] = timed(() => parseDocument(text));
    expect(errorsOf(result)).toEqual([
      {
        path: '',
        message: `document nests objects and arrays more than ${MAX_NESTING_DEPTH} levels deep (the limit)`,
      },
    ]);
    expect(ms).toBeLessThan(200);
  });

  test('nesting up to the limit parses', () => {
    expect(parseDocument(`{"a":${nested(MAX_NESTING_DEPTH - 1)}}`).ok).toBe(true);
    expect(parseDocument(`a: ${nested(MAX_NESTING_DEPTH - 1)}`).ok).toBe(true);
  });

  test('a mapping of 50,000 keys parses in linear time (the YAML library checks keys in n²)', () => {
    const text = Array.from({ length: 50_000 }, (_, i) => `k${i}: x`).join('\n');
    const [result, ms] = timed(() => parseDocument(text));
    expect(result.ok).toBe(true);
    expect(ms).toBeLessThan(3000); // ~20 s with the library's own check
  });

  test.each([
    [
      'a repeated key, with where',
      'a: 1\nb:\n  c: 1\n  c: 2\n',
      /^invalid YAML: Map keys must be unique: 'c' is repeated at line 4, column 3$/,
    ],
    ['keys that are the same text', '1: a\n"1": b\n', /'1' is repeated at line 2, column 1/],
    [
      'a collection as a key',
      '? [a]\n: 1\n',
      /a key must be a plain value, not a collection, at line 1/,
    ],
  ])('refuses %s', (_name, text, message) => {
    expect(errorsOf(parseDocument(text))).toEqual([
      { path: '', message: expect.stringMatching(message) },
    ]);
  });
});

describe('validation refuses what class-validator lets through or chokes on', () => {
  test('arrays where nested objects belong: each entry must be an object', () => {
    const objectives = edited(intent, (doc) => {
      delete doc.spec.objective;
      doc.spec.objectives = [[{ type: 'low-latency', weight: 1 }], [], null];
    });
    expect(errorsOf(validateIntent(objectives))).toEqual(
      expect.arrayContaining([
        {
          path: 'spec.objectives[0]',
          message: 'must be a weighted objective {type, weight} (an object), not an array',
        },
        {
          path: 'spec.objectives[1]',
          message: 'must be a weighted objective {type, weight} (an object), not an array',
        },
        {
          path: 'spec.objectives[2]',
          message: 'must be a weighted objective {type, weight} (an object), not null',
        },
      ]),
    );
    for (const [field, what] of [
      ['nodes', 'a node'],
      ['links', 'a link'],
      ['services', 'a service instance'],
      ['hosts', 'a host'],
    ]) {
      const wrapped = edited(
        topology,
        (doc) => (doc.spec[field!] = [[...(doc.spec[field!] ?? [])]]),
      );
      // (checkTopology used to throw a TypeError on a node given as an array)
      expect(errorsOf(validateTopology(wrapped))).toContainEqual({
        path: `spec.${field}[0]`,
        message: `must be ${what} (an object), not an array`,
      });
    }
  });

  test('deep input is refused before class-transformer recurses into it', () => {
    const deep = edited(intent, (doc) => (doc.spec.hosts = JSON.parse(nested(20_000))));
    expect(errorsOf(validateIntent(deep))).toEqual([
      {
        path: '',
        message: `the Intent nests objects and arrays more than ${MAX_NESTING_DEPTH} levels deep (the limit)`,
      },
    ]);
  });

  test('__proto__ and constructor are unknown fields, not silently dropped', () => {
    const document = JSON.parse(
      JSON.stringify(intent).replace('"spec":{', '"spec":{"__proto__":{"x":1},"constructor":2,'),
    );
    expect(errorsOf(validateIntent(document))).toEqual(
      expect.arrayContaining([
        { path: 'spec.__proto__', message: "unknown field '__proto__'" },
        { path: 'spec.constructor', message: "unknown field 'constructor'" },
      ]),
    );
  });

  test(`an object of more than ${MAX_OBJECT_FIELDS} fields is one error, in linear time`, () => {
    const fields = Object.fromEntries(Array.from({ length: 60_000 }, (_, i) => [`k${i}`, 1]));
    const [result, ms] = timed(() =>
      validateIntent({ ...intent, spec: { ...(intent['spec'] as object), ...fields } }),
    );
    expect(errorsOf(result)).toEqual([
      {
        path: 'spec',
        message: expect.stringMatching(
          /^60005 fields, more than any object of the format has \(at most 64\)/,
        ),
      },
    ]);
    expect(ms).toBeLessThan(1000); // class-validator's unknown-field check: seconds
  });

  test('an array over its size limit is one error, not one per entry', () => {
    const ports = edited(intent, (doc) => (doc.spec.match.ports = Array(100_000).fill(-1)));
    expect(errorsOf(validateIntent(ports))).toEqual([
      { path: 'spec.match.ports', message: 'ports must contain no more than 64 elements' },
    ]);
  });

  test('optional fields given as null are left out of the result (YAML `constraints:` alone)', () => {
    const parsed = parseDocument(
      'apiVersion: srv6.intents/v1\nkind: Intent\nmetadata: { name: x, revision: }\nspec:\n  hosts: [a]\n  match: { destination: 2001:db8::/64, ports: }\n  objective: low-cost\n  objectives:\n  constraints:\n',
    );
    const result = validateIntent(parsed.ok ? parsed.value : undefined);
    expect(result.ok).toBe(true);
    expect(JSON.parse(JSON.stringify(result.ok && result.value))).toEqual({
      apiVersion: 'srv6.intents/v1',
      kind: 'Intent',
      metadata: { name: 'x' },
      spec: {
        hosts: ['a'],
        match: { destination: '2001:db8::/64', protocol: 'any' },
        objective: 'low-cost',
        encapsulation: 'srh',
      },
    });
    // A plain map keeps its null entries for the checks: a null End.X SID is an error.
    const nullSid = edited(
      topology,
      (doc) => (doc.spec.links[0].adjSids = { [doc.spec.links[0].a]: null }),
    );
    expect(validateTopology(nullSid).ok).toBe(false);
  });
});
