import { defaultSettings } from '../../../../src/domain/settings/defaults';
import { contactRolesSync } from '../../../../src/domain/settings/readLists';
import type { Settings } from '../../../../src/domain/settings/schema';

function withObjects(changes: {
  contacts?: boolean;
  deals?: boolean;
  dropContactsMapping?: boolean;
}): Settings {
  const settings = structuredClone(defaultSettings());
  settings.objects.contacts.enabled = changes.contacts ?? true;
  settings.objects.deals.enabled = changes.deals ?? true;
  if (changes.dropContactsMapping) {
    settings.objects.deals.fields = settings.objects.deals.fields.filter(
      (mapping) => !(mapping.transform.kind === 'association' && mapping.transform.to === 'contacts'),
    );
  }
  return settings;
}

describe('contactRolesSync', () => {
  it.each([
    ['deals and contacts on, the mapping there', {}, true],
    ['deals off', { deals: false }, false],
    ['contacts off', { contacts: false }, false],
    ["the deal's contacts not mapped", { dropContactsMapping: true }, false],
  ])('%s', (_name, changes, expected) => {
    expect(contactRolesSync(withObjects(changes))).toBe(expected);
  });
});
