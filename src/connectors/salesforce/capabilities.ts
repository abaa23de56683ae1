/**
 * What the bridge needs from a Salesforce org, checked right after connecting: the objects it syncs, the
 * fields it reads and writes (they must exist, and be updateable where the bridge writes them), and the
 * optional custom fields that make sync safer (an external-id field holding the HubSpot id, for idempotent
 * upserts; a checkbox the bridge ticks instead of deleting).
 *
 * The requirements are data; `evaluateDescribe` is pure; `checkSalesforceCapabilities` only fetches describes.
 */
import type { Connection } from 'jsforce';
import { z } from 'zod';
import {
  checkedSalesforceObjects,
  type CapabilityReport,
  type CheckedSalesforceObject,
  type ObjectCapability,
} from '../../domain/installationReports';

interface ObjectRequirement {
  /** Fields the bridge writes. */
  updateable: readonly string[];
  /** Fields the bridge only reads. */
  readable: readonly string[];
  /** Whether the optional HubSpot id / deleted-flag fields apply to this object. */
  customFields: boolean;
}

const changeTracking = ['LastModifiedDate', 'SystemModstamp', 'LastModifiedById'] as const;

export const salesforceRequirements: Record<CheckedSalesforceObject, ObjectRequirement> = {
  Lead: {
    updateable: ['FirstName', 'LastName', 'Email', 'Phone', 'Title', 'Company', 'Status', 'OwnerId'],
    readable: [
      ...changeTracking,
      'IsConverted',
      'ConvertedContactId',
      'ConvertedAccountId',
      'ConvertedOpportunityId',
    ],
    customFields: true,
  },
  Contact: {
    updateable: ['FirstName', 'LastName', 'Email', 'Phone', 'Title', 'AccountId', 'OwnerId'],
    readable: [...changeTracking],
    customFields: true,
  },
  Account: {
    updateable: ['Name', 'Website', 'Phone', 'OwnerId'],
    readable: [...changeTracking],
    customFields: true,
  },
  Opportunity: {
    updateable: ['Name', 'StageName', 'Amount', 'CloseDate', 'AccountId', 'OwnerId'],
    readable: [...changeTracking],
    customFields: true,
  },
  User: { updateable: [], readable: ['Username', 'Email', 'IsActive'], customFields: false },
};

export const HUBSPOT_ID_FIELD = 'HubSpot_Id__c';
export const HUBSPOT_DELETED_FIELD = 'HubSpot_Deleted__c';

const DescribeField = z
  .object({
    name: z.string(),
    type: z.string(),
    updateable: z.boolean(),
    createable: z.boolean(),
    externalId: z.boolean().optional(),
  })
  .loose();

export const DescribeResult = z
  .object({
    name: z.string(),
    queryable: z.boolean(),
    createable: z.boolean(),
    updateable: z.boolean(),
    fields: z.array(DescribeField),
  })
  .loose();
export type DescribeResult = z.infer<typeof DescribeResult>;

/** Pure: how usable one object is, from its describe (or null when the user cannot see the object). */
export function evaluateDescribe(
  name: CheckedSalesforceObject,
  describe: DescribeResult | null,
): ObjectCapability {
  const requirement = salesforceRequirements[name];
  if (!describe || !describe.queryable) {
    return {
      name,
      accessible: false,
      createable: false,
      updateable: false,
      missingFields: [...requirement.updateable, ...requirement.readable],
      readOnlyFields: [],
      hubspotIdField: requirement.customFields ? { present: false, usable: false } : null,
      deletedFlagField: requirement.customFields ? { present: false, usable: false } : null,
    };
  }
  const fields = new Map(describe.fields.map((field) => [field.name, field] as const));
  const missingFields = [...requirement.updateable, ...requirement.readable].filter(
    (field) => !fields.has(field),
  );
  const readOnlyFields = requirement.updateable.filter(
    (field) => fields.has(field) && !fields.get(field)?.updateable,
  );
  const optional = (fieldName: string, check: (field: z.infer<typeof DescribeField>) => string | null) => {
    const field = fields.get(fieldName);
    if (!field) return { present: false, usable: false };
    const problem = check(field);
    return problem ? { present: true, usable: false, problem } : { present: true, usable: true };
  };
  return {
    name,
    accessible: true,
    createable: describe.createable,
    updateable: describe.updateable,
    missingFields,
    readOnlyFields,
    hubspotIdField: requirement.customFields
      ? optional(HUBSPOT_ID_FIELD, (field) =>
          !field.externalId
            ? `${name}.${HUBSPOT_ID_FIELD} is not marked as an External ID, so the bridge cannot upsert by it.`
            : !field.updateable || !field.createable
              ? `${name}.${HUBSPOT_ID_FIELD} is read-only for the connected user.`
              : null,
        )
      : null,
    deletedFlagField: requirement.customFields
      ? optional(HUBSPOT_DELETED_FIELD, (field) =>
          field.type !== 'boolean'
            ? `${name}.${HUBSPOT_DELETED_FIELD} is a ${field.type} field; the bridge needs a checkbox.`
            : !field.updateable
              ? `${name}.${HUBSPOT_DELETED_FIELD} is read-only for the connected user.`
              : null,
        )
      : null,
  };
}

/** Pure: the admin-facing summary of every object's capability. */
export function summarizeCapabilities(objects: ObjectCapability[], checkedAt: number): CapabilityReport {
  const problems: string[] = [];
  for (const object of objects) {
    const needsWrites = salesforceRequirements[object.name].updateable.length > 0;
    if (!object.accessible) {
      problems.push(
        `The connected user cannot read ${object.name} records. Grant access in their profile or permission set.`,
      );
      continue;
    }
    if (needsWrites && (!object.createable || !object.updateable)) {
      problems.push(`The connected user cannot create and edit ${object.name} records.`);
    }
    if (object.missingFields.length > 0) {
      problems.push(
        `${object.name} lacks fields the bridge needs, or hides them from the connected user: ${object.missingFields.join(', ')}.`,
      );
    }
    if (object.readOnlyFields.length > 0) {
      problems.push(
        `${object.name} fields the bridge writes are read-only for the connected user: ${object.readOnlyFields.join(', ')}.`,
      );
    }
  }
  return { checkedAt, ok: problems.length === 0, objects, problems };
}

const NOT_FOUND_CODES = new Set(['NOT_FOUND', 'INVALID_TYPE', 'ERROR_HTTP_404']);

/** Describes each object (one API call each) and evaluates it. Never throws: a failed check is reported. */
export async function checkSalesforceCapabilities(
  connection: Connection,
  now: () => number,
): Promise<CapabilityReport> {
  const objects: ObjectCapability[] = [];
  try {
    for (const name of checkedSalesforceObjects) {
      let describe: DescribeResult | null;
      try {
        describe = DescribeResult.parse(await connection.describe(name));
      } catch (error) {
        const code = (error as { errorCode?: string; name?: string }).errorCode ?? (error as Error).name;
        if (!NOT_FOUND_CODES.has(code)) throw error;
        describe = null;
      }
      objects.push(evaluateDescribe(name, describe));
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      checkedAt: now(),
      ok: false,
      objects,
      problems: [
        'The bridge could not finish checking the Salesforce org. Reconnect Salesforce to run the check again.',
      ],
      error: reason,
    };
  }
  return summarizeCapabilities(objects, now());
}
