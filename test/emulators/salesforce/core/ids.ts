/**
 * Salesforce record ids: 15 case-sensitive base-62 characters, or 18 characters where the last three
 * encode which of the first fifteen are upper case (so the 18-character form survives
 * case-insensitive systems). Responses always use 18 characters; requests may use either.
 */

const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const ID15 = /^[0-9A-Za-z]{15}$/;
const ID18 = /^[0-9A-Za-z]{18}$/;

function isUpper(c: string): boolean {
  return c >= 'A' && c <= 'Z';
}

/** The 3-character checksum suffix of a 15-character id. */
export function checksumSuffix(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      if (isUpper(id15.charAt(chunk * 5 + i))) bits |= 1 << i;
    }
    suffix += SUFFIX_ALPHABET.charAt(bits);
  }
  return id15 + suffix;
}

export function to18(id15: string): string {
  return checksumSuffix(id15);
}

/**
 * Canonical 18-character form of a 15- or 18-character id, or null when the input is not an id.
 * An 18-character id may arrive in any letter case: the suffix tells which letters were upper case.
 */
export function normalizeId(input: string): string | null {
  if (ID15.test(input)) return to18(input);
  if (!ID18.test(input)) return null;
  const suffix = input.slice(15).toUpperCase();
  let restored = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    const bits = SUFFIX_ALPHABET.indexOf(suffix.charAt(chunk));
    if (bits < 0) return null;
    for (let i = 0; i < 5; i++) {
      const c = input.charAt(chunk * 5 + i);
      restored += bits & (1 << i) ? c.toUpperCase() : c.toLowerCase();
    }
  }
  const canonical = to18(restored);
  return canonical.slice(15) === suffix ? canonical : null;
}

export function keyPrefixOf(id: string): string {
  return id.slice(0, 3);
}

function base62(n: number, width: number): string {
  let out = '';
  let rest = n;
  do {
    out = BASE62.charAt(rest % 62) + out;
    rest = Math.floor(rest / 62);
  } while (rest > 0);
  return out.padStart(width, '0');
}

/**
 * Generates ids that look like real ones: key prefix, a two-character pod marker, then a counter.
 * The counter is spread with a multiplier so consecutive ids differ in letter case too, which
 * exercises the checksum suffix; it stays increasing, so insertion order is id order.
 */
export class IdGenerator {
  private counter = 0;

  next(keyPrefix: string): string {
    this.counter += 1;
    const body = base62(this.counter * 7919 + 238_328, 10);
    return to18(`${keyPrefix}8d${body}`);
  }
}
