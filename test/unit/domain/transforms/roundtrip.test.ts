/**
 * Round-trip stability, property-based: whatever a system sends, once normalized, written to either system
 * and read back, it is the same canonical value. This is what makes the echo of our own write a no-op.
 */
import fc from 'fast-check';
import type { TransformSpec } from '../../../../src/domain/settings/schema';
import type { CanonicalValue, FieldTransform } from '../../../../src/domain/transforms/canonical';
import { canonicalEquals } from '../../../../src/domain/transforms/canonical';
import { utcDateOf } from '../../../../src/domain/transforms/dates';
import { createTransform } from '../../../../src/domain/transforms/index';
import { indexOwners } from '../../../../src/domain/transforms/owner';

const SEED = 20261122;
const RUNS = 400;

const owners = indexOwners({
  hubspotOwners: [
    { id: '101', email: 'rep@example.com' },
    { id: '102', email: 'Boss@Example.com' },
    { id: '105', email: 'twin@example.com' },
    { id: '106', email: 'TWIN@example.com' },
  ],
  salesforceUsers: [
    { id: '005000000000001AAA', email: 'REP@example.com', isActive: true },
    { id: '005000000000002AAA', email: 'boss@example.com', isActive: true },
    { id: '005000000000005AAA', email: 'twin@example.com', isActive: true },
  ],
});

const picklistValues = [
  'lead',
  'subscriber',
  'Open - Not Contacted',
  'salesqualifiedlead',
  'Working - Contacted',
  'other',
];
const picklistOptions = [
  { hubspot: ['lead', 'subscriber'], salesforce: ['Open - Not Contacted', 'Open'] },
  { hubspot: ['salesqualifiedlead'], salesforce: ['Working - Contacted'] },
  { hubspot: ['other'], salesforce: ['Other', 'Closed'] },
];

const MIN_MS = Date.UTC(1700, 0, 1);
const MAX_MS = Date.UTC(4000, 11, 31, 23, 59, 59);
const instant = fc.integer({ min: MIN_MS, max: MAX_MS });
const salesforceDateTime = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000');

const blankish = fc.constantFrom<string | null>('', '   ', null);
const padded = (text: fc.Arbitrary<string>) =>
  fc
    .tuple(fc.constantFrom('', ' ', '\t'), text, fc.constantFrom('', ' ', '\n'))
    .map(([a, b, c]) => a + b + c);

const phoneText = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('+1 ', '+44 ', '+49 ', '+33 ', '+81 ', '', '(415) ', '0044 '),
      fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 5, maxLength: 12 }),
      fc.constantFrom('', ' ext. 12', ' x7'),
    )
    .map(([prefix, digits, ext]) => `${prefix}${digits.join('')}${ext}`),
  fc.stringMatching(/^[+(]?[0-9 ().-]{0,20}$/),
  fc.string({ maxLength: 20 }),
);

const numberWire = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 }).map((n) => n.toFixed(3)),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => n.toExponential()),
  fc.integer().map(String),
);

interface Case {
  readonly name: string;
  readonly spec: TransformSpec;
  readonly hubspot: fc.Arbitrary<string | null>;
  readonly salesforce: fc.Arbitrary<unknown>;
  /** Owners can lack a counterpart; every other transform must write whatever it read. */
  readonly writeMayFail?: boolean;
}

const cases: Case[] = [
  {
    name: 'text',
    spec: { kind: 'text' },
    hubspot: fc.oneof(padded(fc.string()), blankish),
    salesforce: fc.oneof(padded(fc.string()), blankish, fc.integer()),
  },
  {
    name: 'email',
    spec: { kind: 'email' },
    hubspot: fc.oneof(padded(fc.mixedCase(fc.emailAddress())), blankish),
    salesforce: fc.oneof(fc.mixedCase(fc.emailAddress()), blankish),
  },
  {
    name: 'phone',
    spec: { kind: 'phone' },
    hubspot: fc.oneof(phoneText, blankish),
    salesforce: fc.oneof(phoneText, blankish),
  },
  {
    name: 'number',
    spec: { kind: 'number' },
    hubspot: fc.oneof(numberWire.map(String), blankish),
    salesforce: fc.oneof(numberWire, blankish),
  },
  {
    name: 'number with 2 decimal places',
    spec: { kind: 'number', decimalPlaces: 2 },
    hubspot: numberWire.map(String),
    salesforce: numberWire,
  },
  {
    name: 'boolean',
    spec: { kind: 'boolean' },
    hubspot: fc.constantFrom('true', 'false', 'TRUE', ' false ', '', null),
    salesforce: fc.oneof(fc.boolean(), fc.constant(null)),
  },
  {
    name: 'date',
    spec: { kind: 'date' },
    hubspot: fc.oneof(
      instant.map(String),
      instant.map(utcDateOf),
      instant.map((ms) => new Date(ms).toISOString()),
      blankish,
    ),
    salesforce: fc.oneof(instant.map(utcDateOf), instant.map(salesforceDateTime), blankish),
  },
  {
    name: 'datetime',
    spec: { kind: 'datetime' },
    hubspot: fc.oneof(
      instant.map(String),
      instant.map((ms) => new Date(ms).toISOString()),
      blankish,
    ),
    salesforce: fc.oneof(
      instant.map(salesforceDateTime),
      instant.map((ms) => new Date(ms).toISOString().replace('Z', '+00:00')),
      blankish,
    ),
  },
  {
    name: 'picklist',
    spec: { kind: 'picklist', options: picklistOptions, passThrough: false },
    hubspot: fc.oneof(padded(fc.mixedCase(fc.constantFrom(...picklistValues))), blankish),
    salesforce: fc.oneof(fc.mixedCase(fc.constantFrom(...picklistValues, 'Open', 'Closed')), blankish),
  },
  {
    name: 'picklist passing unmapped values through',
    spec: { kind: 'picklist', options: picklistOptions, passThrough: true },
    hubspot: fc.oneof(fc.mixedCase(fc.constantFrom(...picklistValues)), fc.string({ maxLength: 12 })),
    salesforce: fc.oneof(
      fc.mixedCase(fc.constantFrom(...picklistValues, 'Closed')),
      fc.string({ maxLength: 12 }),
    ),
  },
  {
    name: 'multi-select',
    spec: { kind: 'multiselect', options: picklistOptions, passThrough: true },
    hubspot: fc
      .array(fc.oneof(fc.mixedCase(fc.constantFrom(...picklistValues)), fc.stringMatching(/^[a-z ]{0,8}$/)))
      .map((items) => items.join(';')),
    salesforce: fc.oneof(
      fc.array(fc.constantFrom(...picklistValues, 'Open', 'x', ' y ')).map((items) => items.join(' ; ')),
      blankish,
    ),
  },
  {
    // No deal at hand: stages are written in the first pipeline, which does not map every StageName.
    name: 'deal stages',
    spec: {
      kind: 'stages',
      pipelines: [
        {
          pipeline: 'default',
          recordType: null,
          stages: [
            { hubspot: ['appointmentscheduled'], salesforce: ['Prospecting'] },
            { hubspot: ['contractsent'], salesforce: ['Proposal/Price Quote', 'Negotiation/Review'] },
          ],
        },
        {
          pipeline: '31415001',
          recordType: 'Renewal',
          stages: [
            { hubspot: ['31415002'], salesforce: ['Negotiation/Review'] },
            { hubspot: ['31415003'], salesforce: ['Closed Won'] },
          ],
        },
      ],
    },
    hubspot: fc.oneof(
      padded(fc.constantFrom('appointmentscheduled', 'contractsent', '31415002', '31415003', 'other')),
      blankish,
    ),
    salesforce: fc.oneof(
      fc.mixedCase(
        fc.constantFrom('Prospecting', 'Proposal/Price Quote', 'Negotiation/Review', 'Closed Won'),
      ),
      blankish,
    ),
    writeMayFail: true,
  },
  {
    name: 'owner',
    spec: { kind: 'owner' },
    hubspot: fc.oneof(fc.constantFrom('101', '102', '105', '106', '999'), blankish),
    salesforce: fc.oneof(
      fc.constantFrom('005000000000001AAA', '005000000000002', '005000000000005AAA', '00G000000000009AAA'),
      fc.constant(null),
    ),
    writeMayFail: true,
  },
];

function readBack(t: FieldTransform, value: CanonicalValue, mayFail: boolean): void {
  const hubspot = t.toHubspot(value);
  const salesforce = t.toSalesforce(value);
  for (const [wire, from] of [
    [hubspot, (w: unknown) => t.fromHubspot(w as string)],
    [salesforce, (w: unknown) => t.fromSalesforce(w)],
  ] as const) {
    if (!wire.ok) {
      if (!mayFail) throw new Error(`could not write ${JSON.stringify(value)}: ${wire.error.reason}`);
      continue;
    }
    const back = from(wire.value);
    if (!back.ok || !canonicalEquals(back.value, value)) {
      throw new Error(`${JSON.stringify(value)} → ${JSON.stringify(wire.value)} → ${JSON.stringify(back)}`);
    }
  }
}

describe.each(cases)('$name round-trips', ({ spec, hubspot, salesforce, writeMayFail }) => {
  const t = createTransform(spec, { phoneDefaultCountry: 'US', owners });

  it('from HubSpot', () => {
    fc.assert(
      fc.property(hubspot, (wire) => {
        const canonical = t.fromHubspot(wire);
        if (canonical.ok) readBack(t, canonical.value, writeMayFail ?? false);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('from Salesforce', () => {
    fc.assert(
      fc.property(salesforce, (wire) => {
        const canonical = t.fromSalesforce(wire);
        if (canonical.ok) readBack(t, canonical.value, writeMayFail ?? false);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
