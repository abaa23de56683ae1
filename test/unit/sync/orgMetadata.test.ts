/**
 * The org metadata cache: entries are read once per TTL, and the cache keeps at most its bound of
 * installations, dropping the one used longest ago.
 */
import { OrgMetadataCache, type MetadataReaders } from '../../../src/sync/orgMetadata';

function countingReaders(): MetadataReaders & { describes: number } {
  const readers = {
    describes: 0,
    describe: async () => {
      readers.describes += 1;
      return { fields: [], recordTypes: [] };
    },
    ownerDirectory: async () => ({ hubspotOwners: [], salesforceUsers: [] }),
  };
  return readers;
}

describe('OrgMetadataCache', () => {
  const needs = { owners: false, types: ['Contact'] as const };

  it('reads an installation once within its TTL and again after it', async () => {
    let now = 0;
    const cache = new OrgMetadataCache({ ttlMs: 1_000, now: () => now });
    const readers = countingReaders();
    await cache.get('a', readers, needs);
    await cache.get('a', readers, needs);
    expect(readers.describes).toBe(1);
    now = 1_000;
    await cache.get('a', readers, needs);
    expect(readers.describes).toBe(2);
  });

  it('keeps at most maxInstallations, dropping the least recently used', async () => {
    const cache = new OrgMetadataCache({ maxInstallations: 2, now: () => 0 });
    const readers = countingReaders();
    await cache.get('a', readers, needs);
    await cache.get('b', readers, needs);
    // Using a again makes b the oldest: c's entry pushes b out, not a.
    await cache.get('a', readers, needs);
    await cache.get('c', readers, needs);
    expect(cache.size).toBe(2);
    expect(cache.cachedDescribe('a')).not.toBeNull();
    expect(cache.cachedDescribe('b')).toBeNull();
    expect(cache.cachedDescribe('c')).not.toBeNull();
    expect(readers.describes).toBe(3);
    await cache.get('b', readers, needs);
    expect(readers.describes).toBe(4);
    expect(cache.cachedDescribe('a')).toBeNull();
  });
});
