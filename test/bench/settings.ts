/**
 * The settings the benchmarks run with: the shipped defaults, plus one creation rule an admin with these
 * contacts would add (a new HubSpot contact that names no company becomes a Contact, since a Lead needs a
 * Company), companies and deals turned on when the benchmark seeds them (they ship mapped but off), and,
 * for the steady state, the poll interval being measured.
 */
import * as settingsTable from '../../src/db/settings';
import type { Db } from '../../src/db/knex';
import {
  defaultCompaniesInput,
  defaultDealsInput,
  defaultSettingsInput,
} from '../../src/domain/settings/defaults';
import { parseSettings } from '../../src/domain/settings/migrate';
import type { SettingsInput } from '../../src/domain/settings/schema';

export interface BenchSettingsOptions {
  pollIntervalMs?: number;
  /** Sync companies ⇄ Accounts and deals ⇄ Opportunities too, with the shipped mappings. */
  companiesAndDeals?: boolean;
}

export function benchSettingsDocument(options: BenchSettingsOptions = {}): SettingsInput {
  const contacts = defaultSettingsInput.objects.contacts;
  const document: SettingsInput = {
    ...defaultSettingsInput,
    objects: {
      ...defaultSettingsInput.objects,
      ...(options.companiesAndDeals
        ? {
            companies: { ...defaultCompaniesInput, enabled: true },
            deals: { ...defaultDealsInput, enabled: true },
          }
        : {}),
      contacts: {
        ...contacts,
        createInSalesforce: {
          default: 'Contact',
          rules: [
            {
              when: { anyOf: [{ allOf: [{ property: 'company', operator: 'has_value' }] }] },
              createAs: 'Lead',
            },
          ],
        },
      },
    },
    ...(options.pollIntervalMs
      ? {
          polling: {
            hubspotIntervalMs: options.pollIntervalMs,
            salesforceIntervalMs: options.pollIntervalMs,
          },
        }
      : {}),
  };
  const parsed = parseSettings(document);
  if (!parsed.ok) throw new Error(`benchmark settings are invalid: ${JSON.stringify(parsed.error)}`);
  return document;
}

/** Saves the document as the installation's first settings version, as the settings page would. */
export async function saveBenchSettings(
  db: Db,
  installationId: string,
  document: SettingsInput,
): Promise<void> {
  const saved = await settingsTable.save(
    db,
    installationId,
    {
      document: JSON.parse(JSON.stringify(document)) as Record<string, never>,
      createdBy: 'benchmark',
      baseVersion: 0,
    },
    Date.now(),
  );
  if (!saved.ok) throw new Error(`could not save the settings: ${saved.code}`);
}
