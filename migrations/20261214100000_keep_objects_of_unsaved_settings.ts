import type { Knex } from 'knex';
import { defaultSettingsInput } from '../src/domain/settings/defaults';

// A new installation now syncs companies and deals as well as contacts. An installation that never saved
// its settings runs the shipped defaults, so without this step it would start creating Accounts, companies,
// Opportunities and deals on its own. It gets the defaults as its first saved version instead, with
// companies and deals kept off as they were: an admin turns them on from the settings page.
export const KEPT_BY = 'Settings before companies and deals were on by default';

export async function up(knex: Knex): Promise<void> {
  const unsaved = await knex('installations')
    .whereNotExists(
      knex('settings').select(knex.raw('1')).whereRaw('settings.installation_id = installations.id'),
    )
    .select<Array<{ id: string }>>('id');
  if (unsaved.length === 0) return;
  const document = JSON.stringify({
    ...defaultSettingsInput,
    objects: {
      ...defaultSettingsInput.objects,
      companies: { ...defaultSettingsInput.objects.companies, enabled: false },
      deals: { ...defaultSettingsInput.objects.deals, enabled: false },
    },
  });
  const now = Date.now();
  for (let start = 0; start < unsaved.length; start += 200) {
    await knex('settings').insert(
      unsaved.slice(start, start + 200).map(({ id }) => ({
        installation_id: id,
        version: 1,
        document,
        created_by: KEPT_BY,
        created_at: now,
      })),
    );
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex('settings').where({ version: 1, created_by: KEPT_BY }).delete();
}
