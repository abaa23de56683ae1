/**
 * Lead conversion as a rep does it in Salesforce: the Lead's values go to a new or an existing
 * Account and Contact (blank fields only, for an existing Contact), optionally a new Opportunity
 * with the Contact as its primary contact role, and the Lead is marked converted and stays
 * queryable but refuses every later write.
 */

import { SfError } from '../core/errors';
import type { StoredFields } from '../schema/types';
import { CONVERTED_LEAD_STATUSES } from '../schema/default-schema';
import { formatDate } from '../core/time';
import type { WriteContext } from './dml';
import { createRecord, requireLive, updateRecord } from './dml';

export interface ConvertLeadOptions {
  leadId: string;
  /** Convert into this existing Account instead of creating one. */
  accountId?: string | undefined;
  /** Convert into this existing Contact (it must belong to accountId). */
  contactId?: string | undefined;
  /** Default true, as in the conversion dialog. */
  createOpportunity?: boolean | undefined;
  opportunityName?: string | undefined;
  convertedStatus?: string | undefined;
  /** Owner of the new records (default: the Lead's owner). */
  ownerId?: string | undefined;
}

export interface ConvertLeadResult {
  leadId: string;
  accountId: string;
  contactId: string;
  opportunityId: string | null;
}

/** Lead fields that flow to the Contact and Account, following the standard Lead Field Mapping. */
const TO_CONTACT: Record<string, string> = {
  FirstName: 'FirstName',
  LastName: 'LastName',
  Salutation: 'Salutation',
  Title: 'Title',
  Email: 'Email',
  Phone: 'Phone',
  MobilePhone: 'MobilePhone',
  Street: 'MailingStreet',
  City: 'MailingCity',
  State: 'MailingState',
  PostalCode: 'MailingPostalCode',
  Country: 'MailingCountry',
  LeadSource: 'LeadSource',
  Description: 'Description',
  HasOptedOutOfEmail: 'HasOptedOutOfEmail',
};

const TO_ACCOUNT: Record<string, string> = {
  Phone: 'Phone',
  Website: 'Website',
  Industry: 'Industry',
  AnnualRevenue: 'AnnualRevenue',
  NumberOfEmployees: 'NumberOfEmployees',
  Street: 'BillingStreet',
  City: 'BillingCity',
  State: 'BillingState',
  PostalCode: 'BillingPostalCode',
  Country: 'BillingCountry',
  LeadSource: 'AccountSource',
};

function mapped(lead: StoredFields, mapping: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [from, to] of Object.entries(mapping)) {
    const value = lead[from];
    if (value !== null && value !== undefined) out[to] = value;
  }
  return out;
}

/**
 * Custom Lead fields map to same-named custom Contact fields, except the bridge's own
 * bookkeeping (HubSpot_*), which an admin would not carry over to a different record.
 */
function customToContact(ctx: WriteContext, lead: StoredFields): Record<string, unknown> {
  const contact = ctx.org.object('Contact');
  const out: Record<string, unknown> = {};
  for (const field of ctx.org.object('Lead')?.fields ?? []) {
    if (!field.custom || field.name.startsWith('HubSpot_')) continue;
    const target = contact?.fields.find((f) => f.name === field.name && f.createable);
    const value = lead[field.name];
    if (target && value !== null && value !== undefined) out[field.name] = value;
  }
  return out;
}

function endOfQuarter(nowMs: number): string {
  const d = new Date(nowMs);
  const quarterEndMonth = Math.floor(d.getUTCMonth() / 3) * 3 + 3;
  return formatDate(Date.UTC(d.getUTCFullYear(), quarterEndMonth, 0));
}

export function convertLead(ctx: WriteContext, options: ConvertLeadOptions): ConvertLeadResult {
  const { org } = ctx;
  return org.atomic(() => {
    const lead = requireLive(org, options.leadId);
    if (lead.type !== 'Lead') throw new SfError(400, 'INVALID_ID_FIELD', `${options.leadId} is not a Lead id`, []);
    if (lead.fields.IsConverted === true) throw new SfError(400, 'CANNOT_UPDATE_CONVERTED_LEAD', 'cannot reference converted lead', []);
    const status = options.convertedStatus ?? 'Closed - Converted';
    if (!CONVERTED_LEAD_STATUSES.includes(status)) {
      throw new SfError(400, 'INVALID_STATUS', `invalid convertedStatus: ${status}`, []);
    }
    const owner = options.ownerId ?? (lead.fields.OwnerId as string);
    const account = org.object('Account');
    const contactObject = org.object('Contact');
    const opportunity = org.object('Opportunity');
    const role = org.object('OpportunityContactRole');
    if (!account || !contactObject || !opportunity || !role) throw new Error('default objects missing');

    let accountId = options.accountId;
    if (accountId) {
      if (requireLive(org, accountId).type !== 'Account') throw new SfError(400, 'INVALID_ID_FIELD', 'accountId is not an Account', []);
    } else {
      accountId = createRecord(ctx, account, {
        Name: lead.fields.Company ?? lead.fields.Name,
        ...mapped(lead.fields, TO_ACCOUNT),
        OwnerId: owner,
      });
    }
    const accountName = org.get(accountId)?.fields.Name as string;

    let contactId = options.contactId;
    const contactValues = { ...mapped(lead.fields, TO_CONTACT), ...customToContact(ctx, lead.fields) };
    if (contactId) {
      const existing = requireLive(org, contactId);
      if (existing.type !== 'Contact' || existing.fields.AccountId !== accountId) {
        throw new SfError(400, 'INVALID_CROSS_REFERENCE_KEY', 'The contact must belong to the account it is converted into', []);
      }
      const blanks = Object.fromEntries(
        Object.entries(contactValues).filter(([k]) => existing.fields[k] === null || existing.fields[k] === undefined),
      );
      updateRecord(ctx, contactObject, contactId, blanks);
    } else {
      contactId = createRecord(ctx, contactObject, { ...contactValues, AccountId: accountId, OwnerId: owner });
    }

    let opportunityId: string | null = null;
    if (options.createOpportunity !== false) {
      opportunityId = createRecord(ctx, opportunity, {
        Name: options.opportunityName ?? `${accountName}-`,
        StageName: 'Prospecting',
        CloseDate: endOfQuarter(ctx.nowMs),
        AccountId: accountId,
        OwnerId: owner,
        LeadSource: lead.fields.LeadSource,
      });
      createRecord(ctx, role, { OpportunityId: opportunityId, ContactId: contactId, IsPrimary: true });
    }

    org.put(options.leadId, 'Lead', {
      ...lead,
      fields: {
        ...lead.fields,
        Status: status,
        IsConverted: true,
        ConvertedDate: formatDate(ctx.nowMs),
        ConvertedAccountId: accountId,
        ConvertedContactId: contactId,
        ConvertedOpportunityId: opportunityId,
        LastModifiedDate: ctx.nowMs,
        LastModifiedById: ctx.actorId,
        SystemModstamp: ctx.nowMs,
      },
    });
    return { leadId: options.leadId, accountId, contactId, opportunityId };
  });
}
