import type { Connection } from 'jsforce';
import type { SalesforceEmulator } from '../../../emulators/salesforce';
import { startSalesforceEmulator } from '../../../emulators/salesforce';
import { ControlApiError } from '../../../emulators/salesforce';
import { login, rejection } from './support';

let emulator: SalesforceEmulator;
let conn: Connection;
let repId: string;

beforeAll(async () => {
  emulator = await startSalesforceEmulator();
});
afterAll(() => emulator.close());
beforeEach(async () => {
  await emulator.control.reset();
  ({ conn } = await login(emulator));
  repId = (await emulator.control.listUsers()).find((u) => u.username === 'rep@sandbox.example')
    ?.id as string;
});

async function newLead(fields: Record<string, unknown> = {}): Promise<string> {
  const result = await conn.sobject('Lead').create({
    FirstName: 'Grace',
    LastName: 'Hopper',
    Company: 'Navy Labs',
    Email: 'grace@navy.example',
    Phone: '+1 555 0100',
    City: 'Arlington',
    Industry: 'Government',
    LeadSource: 'Web',
    HubSpot_Id__c: 'hs-501',
    Interests__c: 'Events',
    ...fields,
  });
  return result.id as string;
}

describe('lead conversion', () => {
  it('creates an Account, a Contact and an Opportunity and marks the Lead converted', async () => {
    const leadId = await newLead();
    const result = await emulator.control.convertLead(leadId);
    expect(result.opportunityId).toMatch(/^006/);

    const lead = await conn.sobject('Lead').retrieve(leadId);
    expect(lead).toMatchObject({
      IsConverted: true,
      Status: 'Closed - Converted',
      ConvertedAccountId: result.accountId,
      ConvertedContactId: result.contactId,
      ConvertedOpportunityId: result.opportunityId,
      ConvertedDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      LastModifiedById: repId,
    });
    const contact = await conn.sobject('Contact').retrieve(result.contactId);
    expect(contact).toMatchObject({
      FirstName: 'Grace',
      LastName: 'Hopper',
      Email: 'grace@navy.example',
      MailingCity: 'Arlington',
      AccountId: result.accountId,
      Interests__c: 'Events',
      HubSpot_Id__c: null,
      CreatedById: repId,
    });
    expect(await conn.sobject('Account').retrieve(result.accountId)).toMatchObject({
      Name: 'Navy Labs',
      Industry: 'Government',
      BillingCity: 'Arlington',
    });
    expect(await conn.sobject('Opportunity').retrieve(result.opportunityId as string)).toMatchObject({
      Name: 'Navy Labs-',
      StageName: 'Prospecting',
      AccountId: result.accountId,
    });
    const roles = await conn.query<{ ContactId: string; IsPrimary: boolean }>(
      `SELECT ContactId, IsPrimary FROM OpportunityContactRole WHERE OpportunityId = '${result.opportunityId as string}'`,
    );
    expect(roles.records).toEqual([
      expect.objectContaining({ ContactId: result.contactId, IsPrimary: true }),
    ]);
  });

  it('shows up in a SystemModstamp poll for converted leads, and the lead stays queryable', async () => {
    const leadId = await newLead();
    const [{ SystemModstamp }] = (
      await conn.query<{ SystemModstamp: string }>(`SELECT SystemModstamp FROM Lead WHERE Id = '${leadId}'`)
    ).records as [{ SystemModstamp: string }];
    await emulator.control.advanceClock(2_000);
    await emulator.control.convertLead(leadId, { createOpportunity: false });
    const cursor = SystemModstamp.replace('.000+0000', 'Z');
    const polled = await conn.query<Record<string, unknown>>(
      `SELECT Id, Email, IsConverted, ConvertedContactId, ConvertedAccountId, ConvertedOpportunityId, ConvertedDate FROM Lead WHERE IsConverted = true AND SystemModstamp > ${cursor}`,
    );
    expect(polled.records).toHaveLength(1);
    expect(polled.records[0]?.ConvertedOpportunityId).toBeNull();
    expect((await conn.query('SELECT Id FROM Opportunity')).totalSize).toBe(0);
  });

  it('refuses every later write to the converted lead with CANNOT_UPDATE_CONVERTED_LEAD', async () => {
    const leadId = await newLead();
    await emulator.control.convertLead(leadId);
    const single = await rejection(conn.sobject('Lead').update({ Id: leadId, Title: 'Admiral' }));
    expect(single.errorCode).toBe('CANNOT_UPDATE_CONVERTED_LEAD');
    expect(single.data).toEqual({
      message: 'cannot reference converted lead',
      errorCode: 'CANNOT_UPDATE_CONVERTED_LEAD',
      fields: [],
    });
    const upsert = await rejection(
      conn.sobject('Lead').upsert({ HubSpot_Id__c: 'hs-501', Title: 'Admiral' }, 'HubSpot_Id__c'),
    );
    expect(upsert.errorCode).toBe('CANNOT_UPDATE_CONVERTED_LEAD');
    const batch = (await conn.sobject('Lead').update([{ Id: leadId, Title: 'Admiral' }])) as {
      success: boolean;
      errors: { statusCode: string }[];
    }[];
    expect(batch[0]?.errors[0]?.statusCode).toBe('CANNOT_UPDATE_CONVERTED_LEAD');
    const again = await emulator.control.convertLead(leadId).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(ControlApiError);
    expect((again as ControlApiError).code).toBe('CANNOT_UPDATE_CONVERTED_LEAD');
  });

  it('converts into an existing Account and Contact, filling only blank contact fields', async () => {
    const account = (await conn.sobject('Account').create({ Name: 'Existing Co' })) as { id: string };
    const contact = (await conn
      .sobject('Contact')
      .create({ LastName: 'Hopper', Email: 'kept@existing.example', AccountId: account.id })) as {
      id: string;
    };
    const leadId = await newLead();
    const result = await emulator.control.convertLead(leadId, {
      accountId: account.id,
      contactId: contact.id,
      createOpportunity: false,
    });
    expect(result).toEqual({ leadId, accountId: account.id, contactId: contact.id, opportunityId: null });
    expect(await conn.sobject('Contact').retrieve(contact.id)).toMatchObject({
      Email: 'kept@existing.example',
      FirstName: 'Grace',
      Phone: '+1 555 0100',
    });
    expect((await conn.query('SELECT Id FROM Account')).totalSize).toBe(1);

    const otherAccount = (await conn.sobject('Account').create({ Name: 'Other' })) as { id: string };
    const error = await emulator.control
      .convertLead(await newLead({ HubSpot_Id__c: 'hs-502' }), {
        accountId: otherAccount.id,
        contactId: contact.id,
      })
      .catch((e: unknown) => e);
    expect((error as ControlApiError).status).toBe(400);
  });
});
