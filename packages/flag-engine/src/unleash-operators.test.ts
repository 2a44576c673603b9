// Operators whose meaning comes from libraries in unleash-client (re2js for REGEX, ip-address for
// IN_CIDR, semver for SEMVER_*) plus number and date parsing: tables of awkward values, each
// constraint also inverted, must evaluate exactly as the SDK does.

import { describe, expect, it } from 'vitest';
import { type ClientFeaturesResponse, type Constraint, type Context, createEngine } from './index.js';
import { compare, startSdk } from './sdk-harness.test-helper.js';

const REGEX_PATTERNS = [
  ...[
    '\\pL+',
    '\\p{Greek}',
    '\\p{^Greek}',
    '\\PL',
    '\\pN',
    '\\p{Nd}',
    '\\p{Latin}',
    '\\p{Any}',
    '\\p{L&}',
    '\\p{Lu}',
  ],
  ...[
    '\\pZ',
    '\\p{Foo}',
    '[\\p{L}\\d]',
    '[^\\pL]',
    '\\Qa.b\\E',
    '\\Qab',
    '\\Q\\E',
    '\\E',
    '(?P<x>a)',
    '(?<x>a)',
  ],
  ...[
    '(?P<1a>x)',
    '(?P<a>x)(?P<a>y)',
    '(?P=x)',
    '(?<=a)b',
    '(?=a)',
    '(?#c)',
    '(?x) a b',
    '\\Aab\\z',
    '\\Z',
    '\\C',
  ],
  ...['[[:word:]]', '[[:^alpha:]]', '[[:foo:]]', '(?i)[[:upper:]]', '[[:punct:]]+', '[[:space:]]', '[[.a.]]'],
  ...['a{1001}', 'a{1000}', 'x{1,1001}', 'x{2,1}', 'x{0}', '(x{500}){3}', '(?:a{2}){3}', '((a{10}){10}){10}'],
  ...[
    '((a{10}){10}){11}',
    'a{2}{3}',
    'a**',
    'x*+',
    '^*',
    'a|*',
    '{2}',
    'x{',
    'x{2',
    'x{,3}',
    'x{01}',
    'a{1,2}?',
  ],
  ...['a(?i)*', 'a*(?i)*', '(?U)a+', '(?i-s:a.)', '(?i)(?-i)a', '(?ii)a', '(?i-)a', '(?)a', '(?', '(?i:a)b'],
  ...[
    '(?m-s:^a.$)',
    '(?m)^b',
    '(?m)$',
    '(?s).',
    '(?s:.)\\n',
    '.',
    '$',
    '^$',
    'a$\\n?',
    '\\x{41}',
    '\\x41\\x{42}',
  ],
  ...[
    '\\x4',
    '\\x{110000}',
    '\\101',
    '\\0',
    '\\12',
    '\\1a',
    '\\08',
    '\\400',
    '\\1',
    '\\8',
    '\\y',
    '\\e',
    '\\_',
  ],
  ...[
    '\\ ',
    '\\é',
    '[\\b]',
    '\\b',
    '\\bcat\\b',
    '\\s',
    '[^\\S]',
    '\\v',
    '(?i)\\W',
    '[\\0]',
    '[\\-]',
    '[a-\\d]',
  ],
  ...[
    '[z-a]',
    '(?i)[a-c]',
    '[a-c-e]',
    '[\\x{41}-\\x{43}]',
    '[\\d-z]',
    '[-a]',
    '[a-]',
    '[]a]',
    '[^]a]',
    '[]',
    '[a',
  ],
  ...['a)', '(a', '\\', '()', '(|a)', '(?i)k', '(?i)Σ', 'é', '(?i)É', '[^a]', '\\w+@\\w+', '(a|b)*c', '😀+'],
  ...[
    '[\\x{1F600}-\\x{1F64F}]',
    '\\d{3}-\\d{4}',
    '^\\s*$',
    '(?i)straße',
    '^(?i)abc$',
    '(?m)^foo$',
    '^(a)\\1$',
  ],
];
const REGEX_INPUTS = [
  ...[
    'a',
    'A',
    'ab',
    'aB',
    'Kk',
    '\u212a',
    '\n',
    '\r',
    '\v',
    'aaa',
    'a.b',
    'σ',
    'ς',
    'Σ',
    'α',
    '5',
    ' ',
    '',
    '_',
  ],
  ...[
    'é',
    'É',
    '-',
    '{2}',
    '{',
    'x{2',
    'x{,3}',
    'x{01}',
    'Z',
    'c',
    'e',
    '[',
    ']',
    '\\',
    ')',
    '\u0000',
    'A-',
    'Q]',
  ],
  ...[
    'b',
    '\nb',
    'x\nfoo',
    'x\nfoo\ny',
    'a\n',
    'aaaaaaaaaaa',
    'user@host',
    '555-1234',
    'straße',
    'STRASSE',
    '😀',
  ],
  ...['😀😀', '!?', 'abc', 'ABC', 'xyz', 'a cat b', 'concatenate', 'aa', 'xx', 'cat'],
];

const CIDR_RANGES = [
  ...['10.0.0.0/8', '10.1.2.3', '10.1.2.3/33', '0.0.0.0/0', '192.168.1.0/24', '192.168.1.5/24', '01.2.3.4'],
  ...['1.2.3.4/', '2001:db8::/32', '2001:db8::1', '::/0', '::ffff:10.0.0.0/104', 'fe80::/10', 'fe80::1%eth0'],
  ...[
    '2001:db8::1/129',
    'bad::cidr',
    '::1',
    '1:2:3:4:5:6:7::',
    ' 10.0.0.1 ',
    '::ffff:1.2.3.04',
    '2001:db8::/0/1',
  ],
];
const CIDR_INPUTS = [
  ...['10.0.0.1', '10.255.255.255', '11.0.0.1', '10.0.0.1/8', '10.0.0.0/16', '192.168.1.77', '192.168.2.1'],
  ...['01.2.3.4', '1.2.3.4', '2001:db8::1', '2001:DB8:0:0:0:0:0:1', '2001:db8:ffff::', '2001:db9::', '::1'],
  ...[
    '::ffff:10.1.2.3',
    '::ffff:a01:203',
    'fe80::1%eth0',
    'fe80::abcd',
    'fe80::1/64',
    '1:2:3:4:5:6:7::',
    '1::2::3',
  ],
  ...[
    '',
    'not-an-ip',
    '10.0.0.1 ',
    '::',
    '0.0.0.0',
    '255.255.255.255',
    '256.1.1.1',
    '2001:db8::/32',
    ':1::2',
  ],
  ...['1:2:3:4:5:6:7:8:9', '12345::', '::ffff:1.2.3.4/120', 'fe80::1%eth0\n', '10.0.0.1/'],
];

const SEMVER_TARGETS = [
  ...['1.2.2', '2.0.0-alpha.1', '2.0.0-alpha', '2.0.0-rc', 'v2.0.0', '1.0.0+build', '1.0.0-0', 'not', '1.0'],
  ...['01.2.3', '1.2.3-01', '1.2.3-a.b.c.10', '9007199254740992.0.0', ' 1.2.2 '],
];
const SEMVER_INPUTS = [
  ...[
    '1.2.2',
    '1.2.3',
    '1.2.1',
    '2.0.0',
    '2.0.0-alpha.1',
    '2.0.0-alpha.10',
    '2.0.0-alpha.beta',
    '2.0.0-beta.1',
  ],
  ...[
    '2.0.0-rc.1',
    '1.0.0+build.2',
    '1.0.0',
    '1.0.0-0',
    '1.0.0-1',
    ' 1.2.2 ',
    'v1.2.2',
    ' v1.2.2',
    '=1.2.2',
    '1.2',
  ],
  ...[
    '',
    '1.2.3-a.b.c.9',
    '1.2.3-a.b.c.10',
    '1.2.3-A',
    '1.2.3-a',
    '1.2.3-01',
    '1.2.3-9007199254740993',
    '0.0.0',
  ],
];

const NUM_TARGETS = ['12', '12.0', '', '0x10', 'abc', '1e3', '-0', 'Infinity'];
const NUM_INPUTS = [
  '12',
  '12.0',
  '',
  ' ',
  '0x10',
  '1e3',
  '1000',
  '-0',
  'Infinity',
  'abc',
  '11.99',
  '13',
  '0',
];
const DATE_TARGETS = [
  '2022-01-29T13:00:00.000Z',
  'not a date',
  '2022-01-22T13:00:00.000+02:00',
  '2022-01-29',
];
const DATE_INPUTS: Context['currentTime'][] = [
  ...[
    '2022-01-30T13:00:00.000Z',
    '2022-01-28T13:00:00.000Z',
    '2022-01-29T13:00:00.000Z',
    'invalid',
    '2022-01-29',
  ],
  ...[1643461200001, new Date('2022-01-22T11:30:00.000Z'), '2022-01-22T11:30:00.000Z'],
];

function operatorState(rows: { name: string; constraint: Constraint }[]): ClientFeaturesResponse {
  return {
    version: 2,
    features: rows.flatMap(({ name, constraint }) => [
      { name, enabled: true, strategies: [{ name: 'default', constraints: [constraint] }] },
      {
        name: `${name} (inverted)`,
        enabled: true,
        strategies: [{ name: 'default', constraints: [{ ...constraint, inverted: true }] }],
      },
    ]),
  };
}

describe('operator tables agree with unleash-client', () => {
  const SEMVER_OPS = ['SEMVER_EQ', 'SEMVER_GT', 'SEMVER_GTE', 'SEMVER_LT', 'SEMVER_LTE'];
  const NUM_OPS = ['NUM_EQ', 'NUM_GT', 'NUM_GTE', 'NUM_LT', 'NUM_LTE'];
  const cases: [string, ClientFeaturesResponse, Context[]][] = [
    [
      'REGEX (re2js)',
      operatorState(
        REGEX_PATTERNS.flatMap((value, i) => [
          { name: `re ${i} ${value}`, constraint: { contextName: 'userId', operator: 'REGEX', value } },
          {
            name: `re ${i} ${value} (ci)`,
            constraint: { contextName: 'userId', operator: 'REGEX', value, caseInsensitive: true },
          },
        ]),
      ),
      REGEX_INPUTS.map((userId) => ({ userId })),
    ],
    [
      'IN_CIDR (ip-address)',
      operatorState([
        ...CIDR_RANGES.map((r, i) => ({
          name: `cidr ${i} ${r}`,
          constraint: { contextName: 'remoteAddress', operator: 'IN_CIDR', values: [r] },
        })),
        {
          name: 'cidr all',
          constraint: { contextName: 'remoteAddress', operator: 'IN_CIDR', values: CIDR_RANGES },
        },
      ]),
      CIDR_INPUTS.map((remoteAddress) => ({ remoteAddress })),
    ],
    [
      'SEMVER_* (semver)',
      operatorState(
        SEMVER_TARGETS.flatMap((value) =>
          SEMVER_OPS.map((operator) => ({
            name: `${operator} ${value}`,
            constraint: { contextName: 'version', operator, value },
          })),
        ),
      ),
      SEMVER_INPUTS.map((version) => ({ properties: { version } })),
    ],
    [
      'NUM_* and DATE_*',
      operatorState([
        ...NUM_TARGETS.flatMap((value) =>
          NUM_OPS.map((operator) => ({
            name: `${operator} ${value}`,
            constraint: { contextName: 'n', operator, value },
          })),
        ),
        ...DATE_TARGETS.flatMap((value) =>
          ['DATE_AFTER', 'DATE_BEFORE'].map((operator) => ({
            name: `${operator} ${value}`,
            constraint: { contextName: 'currentTime', operator, value },
          })),
        ),
      ]),
      NUM_INPUTS.flatMap((n) => DATE_INPUTS.map((currentTime) => ({ currentTime, properties: { n } }))),
    ],
  ];
  for (const [name, response, contexts] of cases) {
    it(`${name}: ${response.features.length} constraints × ${contexts.length} values`, async () => {
      const sdk = await startSdk(response);
      try {
        const engine = createEngine(response);
        const result = compare(name, engine, sdk, contexts);
        expect(result.mismatches).toEqual([]);
        expect(result.enabled).toBeGreaterThan(0);
        expect(result.enabled).toBeLessThan(result.calls);
      } finally {
        sdk.destroy();
      }
    });
  }
});
