import fc from 'fast-check';
import { IdGenerator, normalizeId, to18 } from '../../../emulators/salesforce/core/ids';

describe('record ids', () => {
  it('computes the checksum suffix of documented ids', () => {
    // Examples from Salesforce documentation and knowledge articles.
    expect(to18('001D000000IqhSL')).toBe('001D000000IqhSLIAZ');
    expect(to18('001D000000IRFma')).toBe('001D000000IRFmaIAH');
    expect(to18('001D000000Iomaz')).toBe('001D000000IomazIAB');
    expect(to18('a00D0000008pQR5')).toBe('a00D0000008pQR5IAM');
    expect(to18('a00D0000008pQRG')).toBe('a00D0000008pQRGIA2');
  });

  it('normalizes 15-character ids and 18-character ids in any letter case', () => {
    expect(normalizeId('001D000000IqhSL')).toBe('001D000000IqhSLIAZ');
    expect(normalizeId('001d000000iqhsliaz')).toBe('001D000000IqhSLIAZ');
    // The suffix decides the letter case, so it must be consistent with the characters.
    expect(normalizeId('001D000000IqhSLZZZ')).toBeNull();
    expect(normalizeId('001D000000IqhSL999')).toBeNull();
    expect(normalizeId('not an id')).toBeNull();
    expect(normalizeId('001D000000IqhS')).toBeNull();
  });

  it('round-trips any 15-character id through a lower-cased 18-character form', () => {
    const char = fc.constantFrom(
      ...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'.split(''),
    );
    fc.assert(
      fc.property(fc.array(char, { minLength: 15, maxLength: 15 }), (chars) => {
        const id15 = chars.join('');
        const id18 = to18(id15);
        expect(normalizeId(id18.toLowerCase())).toBe(id18);
        expect(normalizeId(id18.toUpperCase())).toBe(id18);
        expect(normalizeId(id15)).toBe(id18);
      }),
    );
  });

  it('generates increasing, well-formed ids with the key prefix', () => {
    const ids = new IdGenerator();
    const generated = Array.from({ length: 500 }, () => ids.next('003'));
    expect(generated.every((id) => /^003[0-9A-Za-z]{15}$/.test(id) && normalizeId(id) === id)).toBe(true);
    expect([...generated].sort()).toEqual(generated);
    expect(new Set(generated).size).toBe(500);
  });
});
