import type { Connection } from 'jsforce';
import type { SalesforceEmulator, ControlApiError } from '../../../emulators/salesforce';
import { startSalesforceEmulator } from '../../../emulators/salesforce';
import { login } from './support';

let emulator: SalesforceEmulator;
let conn: Connection;

beforeAll(async () => {
  emulator = await startSalesforceEmulator();
});
afterAll(() => emulator.close());
beforeEach(async () => {
  await emulator.control.reset();
  ({ conn } = await login(emulator));
});

async function create(type: string, fields: Record<string, unknown>): Promise<string> {
  return ((await conn.sobject(type).create(fields)) as { id: string }).id;
}

describe('merges', () => {
  it('merges Contacts: losers go to the recycle bin with MasterRecordId, children move to the master', async () => {
    const master = await create('Contact', { LastName: 'Master', Email: 'm@example.com' });
    const loserA = await create('Contact', { LastName: 'Dup A', Phone: '555' });
    const loserB = await create('Contact', { LastName: 'Dup B' });
    const deal = await create('Opportunity', {
      Name: 'D',
      StageName: 'Prospecting',
      CloseDate: '2026-05-01',
    });
    const role = await create('OpportunityContactRole', { OpportunityId: deal, ContactId: loserA });

    const result = await emulator.control.merge({
      type: 'Contact',
      masterId: master,
      mergeIds: [loserA, loserB],
      masterFields: { Phone: '555' },
    });
    expect(result).toEqual({ masterId: master, mergedIds: [loserA, loserB], updatedRelatedIds: [role] });

    const merged = await conn.query<{ Id: string; MasterRecordId: string }>(
      'SELECT Id, MasterRecordId FROM Contact WHERE IsDeleted = true AND MasterRecordId != null ORDER BY LastName',
      { scanAll: true },
    );
    expect(merged.records.map((r) => [r.Id, r.MasterRecordId])).toEqual([
      [loserA, master],
      [loserB, master],
    ]);
    expect((await conn.sobject('OpportunityContactRole').retrieve(role)).ContactId).toBe(master);
    expect(await conn.sobject('Contact').retrieve(master)).toMatchObject({
      Phone: '555',
      Email: 'm@example.com',
    });
  });

  it('merges Accounts, re-parenting contacts, opportunities and converted-lead pointers', async () => {
    const master = await create('Account', { Name: 'Acme' });
    const loser = await create('Account', { Name: 'ACME Inc' });
    const contact = await create('Contact', { LastName: 'C', AccountId: loser });
    const deal = await create('Opportunity', {
      Name: 'D',
      StageName: 'Prospecting',
      CloseDate: '2026-05-01',
      AccountId: loser,
    });
    const lead = await create('Lead', { LastName: 'L', Company: 'ACME' });
    await emulator.control.convertLead(lead, { accountId: loser, createOpportunity: false });
    await emulator.control.merge({ type: 'Account', masterId: master, mergeIds: [loser] });
    expect((await conn.sobject('Contact').retrieve(contact)).AccountId).toBe(master);
    expect((await conn.sobject('Opportunity').retrieve(deal)).AccountId).toBe(master);
    expect((await conn.sobject('Lead').retrieve(lead)).ConvertedAccountId).toBe(master);
    // The re-parented contacts are alive: the loser's delete did not cascade to them.
    expect((await conn.query('SELECT Id FROM Contact')).totalSize).toBe(2);
  });

  it('merges Leads but refuses converted ones and other objects', async () => {
    const a = await create('Lead', { LastName: 'A', Company: 'X' });
    const b = await create('Lead', { LastName: 'B', Company: 'X' });
    await emulator.control.merge({ type: 'Lead', masterId: a, mergeIds: [b] });
    const loser = await emulator.control.getRecord(b);
    expect(loser).toMatchObject({ IsDeleted: true, MasterRecordId: a });

    const c = await create('Lead', { LastName: 'C', Company: 'X' });
    await emulator.control.convertLead(c, { createOpportunity: false });
    const error = await emulator.control
      .merge({ type: 'Lead', masterId: a, mergeIds: [c] })
      .catch((e: unknown) => e);
    expect((error as ControlApiError).code).toBe('CANNOT_UPDATE_CONVERTED_LEAD');
    // Nothing happened to the master: the merge is all or nothing.
    expect((await conn.sobject('Lead').retrieve(a)).IsDeleted).toBe(false);
  });

  it('can undelete a merged loser without undoing the re-parenting', async () => {
    const master = await create('Contact', { LastName: 'Master' });
    const loser = await create('Contact', { LastName: 'Loser' });
    const deal = await create('Opportunity', {
      Name: 'D',
      StageName: 'Prospecting',
      CloseDate: '2026-05-01',
    });
    const role = await create('OpportunityContactRole', { OpportunityId: deal, ContactId: loser });
    await emulator.control.merge({ type: 'Contact', masterId: master, mergeIds: [loser] });
    await emulator.control.undeleteRecord(loser);
    expect((await conn.sobject('Contact').retrieve(loser)).IsDeleted).toBe(false);
    expect((await conn.sobject('OpportunityContactRole').retrieve(role)).ContactId).toBe(master);
  });
});
