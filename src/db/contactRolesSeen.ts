/**
 * contact_roles_seen: the Opportunity of each contact role the bridge has read (see the migration). Filled
 * by every read of contact roles (the sync's and the contact-role poll's); read when Salesforce's replication
 * API reports roles deleted, which it names by their ids alone.
 */
import type { Queryable } from './support';

export const CONTACT_ROLES_SEEN = 'contact_roles_seen';

interface ContactRoleSeenRow {
  installation_id: string;
  role_id: string;
  opportunity_id: string;
  seen_at: number;
}

/** Rows per statement: four parameters each, far below every driver's limit. */
const ROWS_PER_STATEMENT = 500;

const key = (id: string) => id.slice(0, 15);

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let index = 0; index < items.length; index += size) out.push(items.slice(index, index + size));
  return out;
}

/** Remembers (or refreshes) which Opportunity each role belongs to. */
export async function remember(
  db: Queryable,
  installationId: string,
  roles: ReadonlyArray<{ readonly roleId: string; readonly opportunityId: string }>,
  now: number,
): Promise<void> {
  const byRole = new Map(
    roles.filter((role) => role.roleId && role.opportunityId).map((role) => [key(role.roleId), role]),
  );
  for (const batch of chunks([...byRole.entries()], ROWS_PER_STATEMENT)) {
    await db<ContactRoleSeenRow>(CONTACT_ROLES_SEEN)
      .insert(
        batch.map(([roleId, role]) => ({
          installation_id: installationId,
          role_id: roleId,
          opportunity_id: role.opportunityId,
          seen_at: now,
        })),
      )
      .onConflict(['installation_id', 'role_id'])
      .merge(['opportunity_id', 'seen_at']);
  }
}

/** The Opportunities the roles belonged to, by role id (15 characters); roles never read are absent. */
export async function opportunitiesOf(
  db: Queryable,
  installationId: string,
  roleIds: readonly string[],
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const batch of chunks([...new Set(roleIds.map(key))], ROWS_PER_STATEMENT)) {
    const rows = await db<ContactRoleSeenRow>(CONTACT_ROLES_SEEN)
      .where({ installation_id: installationId })
      .whereIn('role_id', batch)
      .select('role_id', 'opportunity_id');
    for (const row of rows) found.set(row.role_id, row.opportunity_id);
  }
  return found;
}

export async function forget(
  db: Queryable,
  installationId: string,
  roleIds: readonly string[],
): Promise<void> {
  for (const batch of chunks([...new Set(roleIds.map(key))], ROWS_PER_STATEMENT)) {
    await db(CONTACT_ROLES_SEEN)
      .where({ installation_id: installationId })
      .whereIn('role_id', batch)
      .delete();
  }
}
