/**
 * People at work while the sandbox runs: every few seconds someone edits a synced contact in HubSpot or
 * its Lead/Contact in Salesforce, or adds a new person on either side. Each action is printed, so whoever
 * watches the sandbox knows what to look for on the other side.
 */
import { LINKS, type LinkRow } from '../../src/db/links';
import type { Stack } from '../support/stack/stack';
import { seededRandom } from '../bench/dataset';
import { SALESFORCE_SEED_USER } from '../bench/seed';

export interface ActivityOptions {
  installationId: string;
  intervalMs: number;
  print: (line: string) => void;
  randomSeed?: number;
}

export interface Activity {
  stop(): Promise<void>;
}

const TITLES = ['Head of Procurement', 'Operations Director', 'Sales Engineer', 'Chief of Staff', 'Buyer'];
const CITIES = ['Porto', 'Vancouver', 'Hamburg', 'Kyoto', 'Denver', 'Nantes'];
const NAMES = ['Alba', 'Bastian', 'Chiara', 'Dario', 'Elif', 'Femi', 'Goran', 'Hana'];

export function startActivity(stack: Stack, options: ActivityOptions): Activity {
  const next = seededRandom(options.randomSeed ?? Date.now());
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  let counter = 0;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  const act = async () => {
    counter += 1;
    const roll = next();
    if (roll < 0.1) {
      const name = pick(NAMES);
      const email = `${name.toLowerCase()}.${Date.now().toString(36)}@newco${counter}.example.com`;
      const created = await stack.hubspot.control
        .asUser(stack.portalId)
        .create('contacts', { firstname: name, lastname: 'Newman', email, company: `Newco ${counter}` });
      options.print(`[activity] HubSpot: a new contact ${created.id} (${email})`);
      return;
    }
    if (roll < 0.15) {
      const name = pick(NAMES);
      const email = `${name.toLowerCase()}.${Date.now().toString(36)}@lead${counter}.example.com`;
      const created = await stack.salesforce.control.createRecord(
        'Lead',
        { FirstName: name, LastName: 'Leadbetter', Email: email, Company: `Lead Co ${counter}` },
        { asUser: SALESFORCE_SEED_USER },
      );
      options.print(`[activity] Salesforce: a new Lead ${created.id} (${email})`);
      return;
    }
    const link = await randomLink(stack, options.installationId, next);
    if (!link) return;
    if (roll < 0.6) {
      const [property, value] = next() < 0.5 ? ['jobtitle', pick(TITLES)] : ['city', pick(CITIES)];
      await stack.hubspot.control
        .asUser(stack.portalId)
        .update('contacts', link.hubspot_id, { [property]: value });
      options.print(
        `[activity] HubSpot: ${property} of contact ${link.hubspot_id} → "${value}" (expect it on ${link.salesforce_object_type} ${link.salesforce_id})`,
      );
      return;
    }
    const contact = link.salesforce_object_type === 'Contact';
    const [field, value] =
      next() < 0.5 ? ['Title', pick(TITLES)] : [contact ? 'MailingCity' : 'City', pick(CITIES)];
    await stack.salesforce.control.updateRecord(
      link.salesforce_id,
      { [field]: value },
      { asUser: SALESFORCE_SEED_USER },
    );
    options.print(
      `[activity] Salesforce: ${field} of ${link.salesforce_object_type} ${link.salesforce_id} → "${value}" (expect it on contact ${link.hubspot_id} after the next poll)`,
    );
  };

  const timer = setInterval(() => {
    if (stopped) return;
    running = running
      .then(act)
      .catch((error: unknown) =>
        options.print(`[activity] skipped: ${error instanceof Error ? error.message : String(error)}`),
      );
  }, options.intervalMs);

  return {
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

async function randomLink(stack: Stack, installationId: string, next: () => number): Promise<LinkRow | null> {
  const links = () =>
    stack
      .db()<LinkRow>(LINKS)
      .where({ installation_id: installationId, state: 'active', hubspot_object_type: 'contacts' })
      .whereIn('salesforce_object_type', ['Lead', 'Contact']);
  const row = await links().count({ count: '*' }).first();
  const total = Number((row as { count?: number | string } | undefined)?.count ?? 0);
  if (total === 0) return null;
  const link = await links()
    .orderBy('id')
    .offset(Math.floor(next() * total))
    .first();
  return link ?? null;
}
