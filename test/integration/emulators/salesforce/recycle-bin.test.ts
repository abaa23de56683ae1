import type { Connection } from 'jsforce';
import type { SalesforceEmulator } from '../../../emulators/salesforce';
import { startSalesforceEmulator } from '../../../emulators/salesforce';
import { login, rejection } from './support';

let emulator: SalesforceEmulator;
let conn: Connection;

const MINUTE = 60_000;
const DAY = 86_400_000;

beforeAll(async () => {
  emulator = await startSalesforceEmulator();
});
afterAll(() => emulator.close());
beforeEach(async () => {
  await emulator.control.reset();
  ({ conn } = await login(emulator));
});

describe('recycle bin', () => {
  it('answers ENTITY_IS_DELETED for reads and writes of a deleted record, which queryAll still sees', async () => {
    const { id } = (await conn.sobject('Contact').create({ LastName: 'Binned' })) as { id: string };
    await conn.sobject('Contact').destroy(id);
    for (const attempt of [
      conn.sobject('Contact').retrieve(id),
      conn.sobject('Contact').update({ Id: id, Title: 'x' }),
      conn.sobject('Contact').destroy(id),
    ]) {
      const error = await rejection(attempt);
      expect(error.errorCode).toBe('ENTITY_IS_DELETED');
      expect(error.data).toEqual({
        message: 'entity is deleted',
        errorCode: 'ENTITY_IS_DELETED',
        fields: [],
      });
    }
    const all = await conn.query<{ Id: string; IsDeleted: boolean }>(
      'SELECT Id, IsDeleted FROM Contact WHERE IsDeleted = true',
      { scanAll: true },
    );
    expect(all.records).toEqual([expect.objectContaining({ Id: id, IsDeleted: true })]);
  });

  it('cascades an Account delete to its Contacts and Opportunities, and undelete brings them back', async () => {
    const account = (await conn.sobject('Account').create({ Name: 'Parent' })) as { id: string };
    const contact = (await conn.sobject('Contact').create({ LastName: 'Child', AccountId: account.id })) as {
      id: string;
    };
    const deal = (await conn
      .sobject('Opportunity')
      .create({ Name: 'D', StageName: 'Prospecting', CloseDate: '2026-01-01', AccountId: account.id })) as {
      id: string;
    };
    const role = (await conn
      .sobject('OpportunityContactRole')
      .create({ OpportunityId: deal.id, ContactId: contact.id })) as { id: string };
    await conn.sobject('Account').destroy(account.id);
    expect((await conn.query('SELECT Id FROM Contact')).totalSize).toBe(0);
    expect((await conn.query('SELECT Id FROM Opportunity')).totalSize).toBe(0);
    expect((await conn.query('SELECT Id FROM OpportunityContactRole')).totalSize).toBe(0);

    const restored = await emulator.control.undeleteRecord(account.id, { asUser: 'rep@sandbox.example' });
    expect(restored.IsDeleted).toBe(false);
    expect((await conn.sobject('Contact').retrieve(contact.id)).IsDeleted).toBe(false);
    expect((await conn.sobject('Opportunity').retrieve(deal.id)).IsDeleted).toBe(false);
    expect((await conn.sobject('OpportunityContactRole').retrieve(role.id)).IsDeleted).toBe(false);
  });

  it("leaves the Opportunity's stamps alone when its contact roles change, and keeps a role deleted on its own out of the bin", async () => {
    const contact = (await conn.sobject('Contact').create({ LastName: 'Buyer' })) as { id: string };
    const deal = (await conn
      .sobject('Opportunity')
      .create({ Name: 'D', StageName: 'Prospecting', CloseDate: '2026-01-01' })) as { id: string };
    const stampsOf = async () =>
      (
        await conn.query<{ LastModifiedDate: string; SystemModstamp: string }>(
          `SELECT LastModifiedDate, SystemModstamp FROM Opportunity WHERE Id = '${deal.id}'`,
        )
      ).records[0];
    const before = await stampsOf();
    const start = new Date(await emulator.control.now());
    await emulator.control.advanceClock(5_000);
    const role = (await conn
      .sobject('OpportunityContactRole')
      .create({ OpportunityId: deal.id, ContactId: contact.id })) as { id: string };
    await emulator.control.advanceClock(5_000);
    await conn.sobject('OpportunityContactRole').update({ Id: role.id, Role: 'Decision Maker' });
    await emulator.control.advanceClock(5_000);
    await conn.sobject('OpportunityContactRole').destroy(role.id);
    expect(await stampsOf()).toEqual(before);

    // Salesforce's IsDeleted on a role is usable only when its parent's delete took it along.
    const binned = await conn.query(`SELECT Id FROM OpportunityContactRole WHERE Id = '${role.id}'`, {
      scanAll: true,
    });
    expect(binned.totalSize).toBe(0);
    const undelete = await rejection(
      emulator.control.undeleteRecord(role.id, { asUser: 'rep@sandbox.example' }),
    );
    expect(undelete.message).toMatch(/recycle bin/);
    await emulator.control.advanceClock(2 * MINUTE);
    const deleted = await conn
      .sobject('OpportunityContactRole')
      .deleted(new Date(start.getTime() - MINUTE), new Date(await emulator.control.now()));
    expect(deleted.deletedRecords.map((entry) => entry.id)).toEqual([role.id]);
  });

  it('purges records after 15 days, and on command', async () => {
    const old = (await conn.sobject('Lead').create({ LastName: 'Old', Company: 'C' })) as { id: string };
    await conn.sobject('Lead').destroy(old.id);
    await emulator.control.advanceClock(16 * DAY);
    expect(
      (await conn.query("SELECT Id FROM Lead WHERE LastName = 'Old'", { scanAll: true })).totalSize,
    ).toBe(0);

    const recent = (await conn.sobject('Lead').create({ LastName: 'Recent', Company: 'C' })) as {
      id: string;
    };
    await conn.sobject('Lead').destroy(recent.id);
    expect(await emulator.control.emptyRecycleBin()).toBe(1);
    expect((await conn.query('SELECT Id FROM Lead', { scanAll: true })).totalSize).toBe(0);
  });
});

describe('replication API', () => {
  it('lists updated ids up to the start of the current minute', async () => {
    // Start one second into a minute so the whole test runs inside that minute.
    const now = await emulator.control.now();
    await emulator.control.advanceClock(MINUTE - (now % MINUTE) + 1000);
    const start = new Date(await emulator.control.now());
    const { id } = (await conn.sobject('Contact').create({ LastName: 'Fresh' })) as { id: string };
    const soon = await conn.sobject('Contact').updated(start, new Date(start.getTime() + 10 * MINUTE));
    // The current minute is not covered yet: nothing is guaranteed committed there.
    expect(soon.ids).not.toContain(id);
    await emulator.control.advanceClock(2 * MINUTE);
    const end = new Date(await emulator.control.now());
    const later = await conn.sobject('Contact').updated(new Date(start.getTime() - MINUTE), end);
    expect(later.ids).toEqual([id]);
    expect(later.latestDateCovered).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00\.000\+0000$/);
    expect(Date.parse(later.latestDateCovered)).toBeLessThanOrEqual(end.getTime());
  });

  it('lists deleted records with their deletion dates', async () => {
    const start = new Date((await emulator.control.now()) - MINUTE);
    const { id } = (await conn.sobject('Contact').create({ LastName: 'Gone' })) as { id: string };
    await conn.sobject('Contact').destroy(id);
    await emulator.control.advanceClock(2 * MINUTE);
    const result = await conn.sobject('Contact').deleted(start, new Date(await emulator.control.now()));
    expect(result.deletedRecords).toEqual([{ id, deletedDate: expect.stringMatching(/\+0000$/) }]);
    expect(result.earliestDateAvailable).toMatch(/\+0000$/);
    expect(result.latestDateCovered).toMatch(/\+0000$/);
  });

  it('rejects windows Salesforce rejects with INVALID_REPLICATION_DATE', async () => {
    const now = await emulator.control.now();
    const backwards = await rejection(
      conn.sobject('Contact').updated(new Date(now), new Date(now - 10 * MINUTE)),
    );
    expect(backwards.errorCode).toBe('INVALID_REPLICATION_DATE');
    const tooOld = await rejection(conn.sobject('Contact').updated(new Date(now - 31 * DAY), new Date(now)));
    expect(tooOld.errorCode).toBe('INVALID_REPLICATION_DATE');
    const beforeBin = await rejection(
      conn.sobject('Contact').deleted(new Date(now - 20 * DAY), new Date(now)),
    );
    expect(beforeBin.errorCode).toBe('INVALID_REPLICATION_DATE');
  });

  it('shows a modification by another user through SystemModstamp polling', async () => {
    const { id } = (await conn.sobject('Contact').create({ LastName: 'Polled' })) as { id: string };
    const [before] = (
      await conn.query<{ SystemModstamp: string }>(`SELECT SystemModstamp FROM Contact WHERE Id = '${id}'`)
    ).records;
    await emulator.control.advanceClock(3_000);
    await emulator.control.updateRecord(id, { Title: 'Edited in the UI' }, { asUser: 'rep@sandbox.example' });
    const cursor = (before?.SystemModstamp as string).replace('.000+0000', 'Z');
    const changed = await conn.query<{ Title: string; LastModifiedBy: { Username: string } }>(
      `SELECT Title, LastModifiedBy.Username FROM Contact WHERE SystemModstamp > ${cursor}`,
    );
    expect(changed.records).toEqual([
      expect.objectContaining({
        Title: 'Edited in the UI',
        LastModifiedBy: expect.objectContaining({ Username: 'rep@sandbox.example' }),
      }),
    ]);
  });
});
