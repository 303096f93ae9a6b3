/**
 * fast-check generators of bad (and some good) Intent and Topology request bodies for the fuzz
 * test (test/bad-input-fuzz.spec.ts). Documents are mutations of the valid examples — wrong
 * types, missing and extra fields, out-of-range numbers, bad IPv6 addresses and prefixes, huge
 * or invalid port ranges, unknown references, too many waypoints, segment lists an intent may
 * not carry, duplicate names — written as JSON or YAML; raw bodies are random bytes, invalid
 * UTF-8, truncated text, YAML alias bombs, deep nesting, oversized and near-limit bodies. Each
 * case is the exact bytes sent, with a label saying how it was made (shown when a check fails).
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import type { Target } from './secure-stack.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = Array<string | number>;

export type { Target };

export interface FuzzDocument {
  /** Where it is sent: srv6.intents.apply / POST /v1/intents, or the topology's. */
  readonly target: Target;
  readonly label: string;
  readonly body: Uint8Array;
}

interface Mutation {
  readonly label: string;
  readonly apply: (document: Json) => Json;
}

const isObject = (value: Json | undefined): value is { [key: string]: Json } =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function getAt(document: Json, path: Path): Json | undefined {
  let node: Json | undefined = document;
  for (const key of path) {
    if (Array.isArray(node) && typeof key === 'number') node = node[key];
    else if (isObject(node) && typeof key === 'string') node = node[key];
    else return undefined;
  }
  return node;
}

/** Sets the value at `path`, making missing parents objects; the root may be replaced. */
function setAt(document: Json, path: Path, value: Json): Json {
  if (path.length === 0) return value;
  const parentPath = path.slice(0, -1);
  let parent = getAt(document, parentPath);
  if (!Array.isArray(parent) && !isObject(parent)) {
    parent = {};
    document = setAt(document, parentPath, parent);
  }
  const key = path[path.length - 1]!;
  if (Array.isArray(parent)) parent[typeof key === 'number' ? key : parent.length] = value;
  else parent[String(key)] = value;
  return document;
}

function removeAt(document: Json, path: Path): Json {
  const parent = getAt(document, path.slice(0, -1));
  const key = path[path.length - 1]!;
  if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 1);
  else if (isObject(parent)) delete parent[String(key)];
  return document;
}

/** Every path below the root, depth first. */
function allPaths(document: Json, prefix: Path = [], found: Path[] = []): Path[] {
  const entries: Array<[string | number, Json]> = Array.isArray(document)
    ? document.map((value, index) => [index, value])
    : isObject(document)
      ? Object.entries(document)
      : [];
  for (const [key, value] of entries) {
    found.push([...prefix, key]);
    allPaths(value, [...prefix, key], found);
  }
  return found;
}

const pick = <T>(items: readonly T[], index: number): T | undefined =>
  items.length === 0 ? undefined : items[index % items.length];

/**
 * A path from a template such as `spec.links.*.igpMetric`: `*` is an index into the array
 * there, chosen by `index` (0 when the array is missing or empty).
 */
function resolveTemplate(document: Json, template: string, index: number): Path {
  const path: Path = [];
  for (const part of template.split('.')) {
    if (part === '*') {
      const array = getAt(document, path);
      path.push(Array.isArray(array) && array.length > 0 ? index % array.length : 0);
    } else path.push(part);
  }
  return path;
}

/** `template` set to a value of `values`. */
const setField = (template: string, values: fc.Arbitrary<Json>): fc.Arbitrary<Mutation> =>
  fc.tuple(fc.nat(), values).map(([index, value]) => ({
    label: `${template} = ${preview(value)}`,
    apply: (document) => setAt(document, resolveTemplate(document, template, index), value),
  }));

const removeField = (template: string): fc.Arbitrary<Mutation> =>
  fc.nat().map((index) => ({
    label: `${template} removed`,
    apply: (document) => removeAt(document, resolveTemplate(document, template, index)),
  }));

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…(${text.length})` : text;
}

// ---------------------------------------------------------------------------------------------
// Values

const WEIRD_VALUES: Json[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  1e308,
  -1e308,
  2 ** 53 + 2,
  '',
  ' ',
  'x',
  'null',
  '0',
  '💥',
  '\u0000',
  'a\nb',
  [],
  {},
  [null],
  [[]],
  [{}],
  { a: 1 },
  'fc00::1',
  '2001:db8:b::/64',
];

/** Wrong types and odd values; doubles include NaN and ±Infinity (YAML keeps them, JSON not). */
const weirdValue: fc.Arbitrary<Json> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...WEIRD_VALUES) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json> },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.integer() },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1_000, max: 300_000 }).map((length) => 'a'.repeat(length)),
  },
);

const number: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(-1, 0, 1, 100, 100.0001, 1e308, -0, 0.5, '5', null),
  fc.double(),
  fc.integer(),
);

const PREFIXES = [
  '2001:db8:b::/64',
  '2001:db8:b::1',
  '2001:db8:b::1/128',
  '2001:db8:b:0:1::/80',
  '2001:DB8:B::/64',
  '2001:db8:a::/64',
  '2001:db8::/32',
  '::/0',
  '2001:db8:c::/64',
  '2001:db8:b::/129',
  '2001:db8:b::/-1',
  '2001:db8:b::/64/64',
  '2001:db8:b::/ 64',
  ':::/64',
  '2001:db8:b::g/64',
  '2001:db8::b::/64',
  '1.2.3.4/32',
  '::ffff:1.2.3.4/128',
  'fe80::1%eth0/64',
  '2001:db8:b::/',
  '/64',
  '2001:0db8:000b:0000:0000:0000:0000:0000:0000/64',
  ' 2001:db8:b::/64',
  '',
  'any',
];

const prefix: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom(...PREFIXES),
  fc.ipV6(),
  fc.tuple(fc.ipV6(), fc.integer({ min: -2, max: 140 })).map(([a, length]) => `${a}/${length}`),
);

const address: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom('fc00:0:9::1', 'fc00:0:1::1', 'fc00::/64', 'fc00::1::1', 'zz::1', '', '::'),
  fc.ipV6(),
);

const portEntry: fc.Arbitrary<Json> = fc.oneof(
  fc.integer({ min: -5, max: 70_000 }),
  fc.constantFrom<Json>(
    0,
    65535,
    65536,
    1.5,
    '80',
    '0-65535',
    '1-65535',
    '65535-0',
    '100-99',
    '5000-5100',
    '5000-5100-5200',
    '-1-5',
    '70000-70001',
    '00080-00081',
    '1 - 2',
    '１-２',
    'x-y',
    '',
    null,
    [],
    {},
  ),
  fc
    .tuple(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: 100_000 }))
    .map(([low, high]) => `${low}-${high}`),
);

const ports: fc.Arbitrary<Json> = fc.oneof(
  { weight: 6, arbitrary: fc.array(portEntry, { maxLength: 6 }) },
  { weight: 1, arbitrary: fc.array(portEntry, { minLength: 60, maxLength: 70 }) },
  { weight: 1, arbitrary: fc.constant(Array.from({ length: 65 }, (_, i) => 1000 + i)) },
  // Huge: one error per entry, far more than a reply can hold unless the service bounds them.
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1_000, max: 20_000 }).map((n) => Array<Json>(n).fill(-1)),
  },
);

const HOSTS = ['host-a1', 'host-a2', 'host-b1', 'host-b2', 'host-zz', 'HOST-A1', '', 'host a1'];
const hosts: fc.Arbitrary<Json> = fc.oneof(
  { weight: 6, arbitrary: fc.array(fc.constantFrom(...HOSTS), { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.constant(Array<Json>(1001).fill('host-a1')) },
  { weight: 1, arbitrary: fc.constant<Json>(['host-a1', 'host-a1']) },
);

const NODES = ['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r9', 'R1', 'fw1', 'fw9', ''];
const LINKS = ['r1-r2', 'r3-r6', 'r3-r6-b', 'r1-r9', 'r6-r2', ''];
const TAGS = ['untrusted', 'unencrypted', 'has space', 'x'.repeat(64), ''];
const SERVICE_TYPES = ['firewall', 'ids', 'FIREWALL', ''];

const list = (items: readonly string[], maxLength: number): fc.Arbitrary<Json> =>
  fc.array(fc.constantFrom(...items), { maxLength });

const VALID_NAMES = ['fuzz-a', 'fuzz-b', 'fuzz-c', '-', '0'];
const BAD_NAMES = ['', 'UPPER', 'has space', 'a'.repeat(64), 'dot.name', 'ünï', 'a_b', '*', '>'];

/** A name from a small pool (so that names repeat: last write wins), sometimes a bad one. */
const intentName = (examples: readonly string[]): fc.Arbitrary<Json> =>
  fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...examples, ...VALID_NAMES) },
    { weight: 1, arbitrary: fc.constantFrom<Json>(...BAD_NAMES, 5, null) },
  );

const SEGMENT_FIELDS = ['segments', 'sids', 'segmentList', 'sidList', 'path', 'source'];

const unknownKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'colour',
    ...SEGMENT_FIELDS,
    '__proto__',
    'constructor',
    '',
    ' ',
    'a.b',
    '[0]',
    'spec',
    'x'.repeat(70_000),
  ),
  fc.string({ maxLength: 10 }),
);

// ---------------------------------------------------------------------------------------------
// Mutations

/** Mutations any document can get: replace, remove, add, wrap, duplicate. */
const genericMutations: Array<fc.Arbitrary<Mutation>> = [
  fc.tuple(fc.nat(), weirdValue).map(([index, value]) => ({
    label: `a value replaced by ${preview(value)}`,
    apply: (document) => {
      const path = pick(allPaths(document), index);
      return path ? setAt(document, path, value) : document;
    },
  })),
  fc.nat().map((index) => ({
    label: 'a field or entry removed',
    apply: (document) => {
      const path = pick(allPaths(document), index);
      return path ? removeAt(document, path) : document;
    },
  })),
  fc.tuple(fc.nat(), unknownKey, weirdValue).map(([index, key, value]) => ({
    label: `field ${preview(key)} added`,
    apply: (document) => {
      const objects = [[], ...allPaths(document)].filter((path) => isObject(getAt(document, path)));
      const target = getAt(document, pick(objects, index) ?? []);
      if (isObject(target)) target[key] = value;
      return document;
    },
  })),
  fc.nat().map((index) => ({
    label: 'a value wrapped in an array',
    apply: (document) => {
      const path = pick(allPaths(document), index);
      return path ? setAt(document, path, [getAt(document, path) ?? null]) : document;
    },
  })),
  fc.nat().map((index) => ({
    label: 'an array entry duplicated',
    apply: (document) => {
      const arrays = allPaths(document).filter((path) => Array.isArray(getAt(document, path)));
      const array = getAt(document, pick(arrays, index) ?? []);
      if (Array.isArray(array) && array.length > 0)
        array.push(structuredClone(array[index % array.length]!));
      return document;
    },
  })),
];

const intentMutations = (examples: readonly string[]): Array<fc.Arbitrary<Mutation>> => [
  ...genericMutations,
  setField('metadata.name', intentName(examples)),
  setField('spec.match.destination', prefix),
  setField('spec.match.ports', ports),
  setField('spec.match.protocol', fc.constantFrom<Json>('tcp', 'udp', 'any', 'sctp', 'TCP', 6)),
  setField('spec.hosts', hosts),
  setField(
    'spec.objective',
    fc.constantFrom<Json>('low-latency', 'high-bandwidth', 'fastest', 'toString', ''),
  ),
  setField(
    'spec.objectives',
    fc.array(
      fc.record({
        type: fc.constantFrom<Json>('low-latency', 'low-jitter', 'low-cost', 'high-bandwidth'),
        weight: number,
      }),
      { maxLength: 5 },
    ),
  ),
  setField('spec.constraints.maxDelayMs', number),
  setField('spec.constraints.maxLossPercent', number),
  setField('spec.constraints.minBandwidthMbps', number),
  setField('spec.constraints.flexAlgo', fc.constantFrom<Json>(127, 128, 255, 256, 128.5, '128')),
  setField('spec.constraints.via', list(NODES, 17)),
  setField('spec.constraints.serviceChain', list(SERVICE_TYPES, 16)),
  setField('spec.constraints.avoidNodes', list(NODES, 4)),
  setField('spec.constraints.avoidLinks', list(LINKS, 4)),
  setField('spec.constraints.avoidTags', list(TAGS, 4)),
  setField('spec.encapsulation', fc.constantFrom<Json>('srh', 'reduced', 'none', null)),
  setField('metadata.revision', fc.constantFrom<Json>(0, 1, 3, 1_000_000, -1, 1.5, '1', null)),
  setField('apiVersion', fc.constantFrom<Json>('srv6.intents/v1', 'srv6.intents/v2', '', 1)),
  setField('kind', fc.constantFrom<Json>('Intent', 'Topology', 'intent')),
  // Segment lists an intent may not bring, up to 20 SIDs (the datapath holds 16).
  fc
    .tuple(
      fc.constantFrom('', 'spec', 'spec.match'),
      fc.constantFrom(...SEGMENT_FIELDS),
      fc.array(fc.ipV6(), { minLength: 1, maxLength: 20 }),
    )
    .map(([at, field, sids]) => ({
      label: `${at ? `${at}.` : ''}${field} with ${sids.length} SIDs`,
      apply: (document) => setAt(document, [...(at ? at.split('.') : []), field], sids),
    })),
];

const LINK_FIELDS: Array<[string, fc.Arbitrary<Json>]> = [
  ['a', fc.constantFrom(...NODES)],
  ['b', fc.constantFrom(...NODES)],
  ['name', fc.constantFrom<Json>(...LINKS, 'UPPER', 'x'.repeat(66))],
  ['igpMetric', fc.constantFrom<Json>(0, 1, 10, 16_777_215, 16_777_216, 1.5, -1, '10')],
  ['delayMs', number],
  ['bandwidthMbps', number],
  ['utilization', fc.constantFrom<Json>(0, 0.5, 1, 1.01, -0.1)],
  ['lossPercent', fc.constantFrom<Json>(0, 50, 100, 100.5, -1)],
  ['jitterMs', number],
  ['flexAlgos', fc.array(fc.constantFrom<Json>(127, 128, 200, 255, 256, '128'), { maxLength: 3 })],
  ['tags', fc.oneof(list(TAGS, 3), fc.constant(Array<Json>(33).fill('t')))],
  [
    'adjSids',
    fc.dictionary(fc.constantFrom(...NODES), address, { maxKeys: 3 }) as fc.Arbitrary<Json>,
  ],
];

/** Valid changes of the figures: most topologies they make are accepted. */
const validTweaks: Array<fc.Arbitrary<Mutation>> = [
  setField('spec.links.*.delayMs', fc.double({ min: 0, max: 100, noNaN: true })),
  setField('spec.links.*.igpMetric', fc.integer({ min: 1, max: 1000 })),
  setField('spec.links.*.utilization', fc.double({ min: 0, max: 1, noNaN: true })),
  setField('spec.nodes.*.tags', list(['trusted', 'untrusted', 'edge'], 3)),
  removeField('spec.links.*'),
  fc.integer({ min: 7, max: 99 }).map((n) => ({
    label: `node r${n} and link r6-r${n} added`,
    apply: (document) => {
      const spec = getAt(document, ['spec']);
      if (isObject(spec) && Array.isArray(spec['nodes']) && Array.isArray(spec['links'])) {
        spec['nodes'].push({ name: `r${n}`, sid: `fc00:0:${n}::1` });
        spec['links'].push({ a: 'r6', b: `r${n}`, igpMetric: 5, delayMs: 1, bandwidthMbps: 10 });
      }
      return document;
    },
  })),
];

const topologyMutations: Array<fc.Arbitrary<Mutation>> = [
  ...genericMutations,
  ...validTweaks,
  ...validTweaks,
  setField('spec.nodes.*.name', fc.constantFrom<Json>(...NODES, ...BAD_NAMES)),
  setField('spec.nodes.*.sid', address),
  setField('spec.nodes.*.decapSid', address),
  removeField('spec.nodes.*.decapSid'),
  setField('spec.nodes.*.prefixes', fc.array(prefix, { maxLength: 3 })),
  setField('spec.nodes.*.tags', fc.oneof(list(TAGS, 3), fc.constant(Array<Json>(33).fill('t')))),
  removeField('spec.nodes.*'),
  ...LINK_FIELDS.map(([field, values]) => setField(`spec.links.*.${field}`, values)),
  setField('spec.services.*.node', fc.constantFrom(...NODES)),
  setField('spec.services.*.type', fc.constantFrom<Json>(...SERVICE_TYPES, 'fire wall')),
  setField('spec.services.*.sid', address),
  setField('spec.services.*.name', fc.constantFrom<Json>('fw1', 'fw2', 'r1', 'FW')),
  setField('spec.hosts.*.name', fc.constantFrom<Json>(...HOSTS)),
  setField('spec.hosts.*.attachedTo', fc.constantFrom(...NODES)),
  setField('spec.hosts.*.address', address),
  setField('metadata.name', fc.constantFrom<Json>('example-lab', 'other', ...BAD_NAMES)),
  setField('metadata.revision', fc.constantFrom<Json>(0, 1, 1_000_000, -1)),
];

// ---------------------------------------------------------------------------------------------
// Bodies

const encoder = new TextEncoder();

type Writer = 'json' | 'json-pretty' | 'yaml' | 'yaml-flow';

function write(document: Json, writer: Writer): string {
  switch (writer) {
    case 'json':
      return JSON.stringify(document) ?? 'null';
    case 'json-pretty':
      return JSON.stringify(document, null, 2) ?? 'null';
    case 'yaml':
      return stringify(document, { aliasDuplicateObjects: false });
    case 'yaml-flow':
      return stringify(document, { aliasDuplicateObjects: false, collectionStyle: 'flow' });
  }
}

const writer = fc.constantFrom<Writer>('json', 'json', 'json', 'json-pretty', 'yaml', 'yaml-flow');

const concat = (...parts: Uint8Array[]): Uint8Array => {
  const bytes = new Uint8Array(parts.reduce((total, part) => total + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.byteLength;
  }
  return bytes;
};

/** "Billion laughs": `depth` levels of `width` aliases of the level below. */
function aliasBomb(width: number, depth: number): string {
  const lines = [`l0: &l0 [${Array(width).fill('"lol"').join(', ')}]`];
  for (let level = 1; level < depth; level++)
    lines.push(
      `l${level}: &l${level} [${Array(width)
        .fill(`*l${level - 1}`)
        .join(', ')}]`,
    );
  return lines.join('\n');
}

/** Raw bodies made from a valid document's text (`text`) or from nothing. */
const rawBodies = (
  maxBytes: number,
): Array<fc.Arbitrary<(text: string) => [string, Uint8Array]>> => [
  fc.uint8Array({ maxLength: 300 }).map((bytes) => () => ['random bytes', bytes]),
  fc
    .string({ unit: 'binary', maxLength: 200 })
    .map((text) => () => ['random text', encoder.encode(text)]),
  fc
    .tuple(
      fc.nat(),
      fc.constantFrom(
        [0xff],
        [0xc3, 0x28],
        [0xc0, 0xaf],
        [0xed, 0xa0, 0x80],
        [0xf4, 0x90, 0x80, 0x80],
        [0xe2, 0x82],
        [0x80],
      ),
    )
    .map(([at, bad]) => (text: string) => {
      const bytes = encoder.encode(text);
      const cut = at % (bytes.byteLength + 1);
      return [
        `invalid UTF-8 ${bad.map((b) => b.toString(16)).join(' ')} at byte ${cut}`,
        concat(bytes.subarray(0, cut), new Uint8Array(bad), bytes.subarray(cut)),
      ];
    }),
  fc.nat().map((at) => (text: string) => {
    const cut = at % Math.max(1, text.length);
    return [`truncated at ${cut}`, encoder.encode(text.slice(0, cut))];
  }),
  fc
    .tuple(fc.integer({ min: 2, max: 12 }), fc.integer({ min: 2, max: 10 }))
    .map(([width, depth]) => () => [
      `alias bomb ${width}^${depth}`,
      encoder.encode(aliasBomb(width, depth)),
    ]),
  fc
    .tuple(fc.integer({ min: 1_000, max: 200_000 }), fc.constantFrom('json', 'yaml'))
    .map(([depth, syntax]) => (text: string) => {
      const deep = `${'['.repeat(depth)}${']'.repeat(depth)}`;
      const body =
        syntax === 'json' && text.trimEnd().endsWith('}')
          ? `${text.trimEnd().slice(0, -1)},"deep":${deep}}`
          : `deep: ${deep}`;
      return [`nested ${depth} deep (${syntax})`, encoder.encode(body)];
    }),
  fc.integer({ min: 1, max: 4096 }).map((extra) => (text: string) => {
    const padding = maxBytes + extra - encoder.encode(text).byteLength;
    return [
      `oversized by ${extra} bytes`,
      encoder.encode(`${text}\n${' '.repeat(Math.max(0, padding))}`),
    ];
  }),
  fc.integer({ min: 0, max: 200 }).map((short) => (text: string) => {
    const padding = maxBytes - short - encoder.encode(text).byteLength - 1;
    return [
      `padded to ${short} bytes under the limit`,
      encoder.encode(`${text}\n${' '.repeat(Math.max(0, padding))}`),
    ];
  }),
  fc
    .constantFrom(' ', '\n', '{}', '[]', 'null', '0', '"x"', '~', '---', '\uFEFF{}')
    .map((text) => () => [`tiny ${JSON.stringify(text)}`, encoder.encode(text)]),
  fc.constant((text: string) => ['two YAML documents', encoder.encode(`${text}\n---\n${text}`)]),
  fc.constant((text: string) => ['UTF-8 byte order mark', encoder.encode(`\uFEFF${text}`)]),
];

export interface FuzzBases {
  /** The valid example intents (as parsed from examples/*.yaml). */
  readonly intents: readonly Json[];
  readonly topology: Json;
  /** The transports' size limit (MAX_MESSAGE_BYTES). */
  readonly maxBytes: number;
}

/** One request body: mostly mutated documents, some raw bodies; a few go to the other target. */
export function fuzzDocument(bases: FuzzBases): fc.Arbitrary<FuzzDocument> {
  const names = bases.intents.map((intent) => String(getAt(intent, ['metadata', 'name'])));
  const mutated = (target: Target): fc.Arbitrary<{ document: Json; labels: string[] }> => {
    const mutations = target === 'intent' ? intentMutations(names) : topologyMutations;
    return fc
      .tuple(
        fc.nat(),
        intentName(names),
        fc.array(fc.oneof(...mutations), { minLength: 1, maxLength: 3 }),
      )
      .map(([base, name, chosen]) => {
        let document: Json;
        const labels: string[] = [];
        if (target === 'intent') {
          document = structuredClone(pick(bases.intents, base)!);
          document = setAt(document, ['metadata', 'name'], name);
          labels.push(`example ${names[base % names.length]} as ${preview(name)}`);
        } else document = structuredClone(bases.topology);
        for (const mutation of chosen) {
          document = mutation.apply(document);
          labels.push(mutation.label);
        }
        return { document, labels };
      });
  };
  const target = fc.constantFrom<Target>(...Array<Target>(8).fill('intent'), 'topology');
  return target.chain((kind) =>
    fc.oneof(
      {
        weight: 80,
        arbitrary: fc.tuple(mutated(kind), writer).map(([{ document, labels }, how]) => ({
          target: kind,
          label: [...labels, how].join('; '),
          body: encoder.encode(write(document, how)),
        })),
      },
      {
        weight: 20,
        arbitrary: fc
          .tuple(mutated(kind), writer, fc.oneof(...rawBodies(bases.maxBytes)))
          .map(([{ document, labels }, how, raw]) => {
            const [label, body] = raw(write(document, how));
            return { target: kind, label: [...labels, how, label].join('; '), body };
          }),
      },
      {
        // sent to the other subject: a topology as an intent and the other way round
        weight: 3,
        arbitrary: fc.tuple(mutated(kind), writer).map(([{ document, labels }, how]) => ({
          target: kind === 'intent' ? ('topology' as const) : ('intent' as const),
          label: [...labels, how, `sent as ${kind === 'intent' ? 'a topology' : 'an intent'}`].join(
            '; ',
          ),
          body: encoder.encode(write(document, how)),
        })),
      },
    ),
  );
}
