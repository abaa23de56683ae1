/**
 * The transform of a mapped field, built from its settings.
 */
import type { CountryCode } from 'libphonenumber-js';
import { assertNever } from '../result';
import type { TransformSpec } from '../settings/schema';
import { createAssociationTransform, noAssociationLinks, type AssociationLinks } from './association';
import { createBooleanTransform } from './boolean';
import type { FieldTransform } from './canonical';
import { createDateTimeTransform, createDateTransform } from './dates';
import { createNumberTransform } from './number';
import type { OwnerIndex } from './owner';
import { createOwnerTransform } from './owner';
import { createPhoneTransform } from './phone';
import { createMultiSelectTransform, createPicklistTransform } from './picklist';
import { createStagesTransform, type DealStageContext } from './stages';
import { createDomainTransform, createEmailTransform, createTextTransform } from './text';

/** What transforms need besides their own settings. */
export interface TransformContext {
  readonly phoneDefaultCountry: CountryCode;
  readonly owners: OwnerIndex;
  /** Who owns a record on each side when its owner has no counterpart there (emails; absent: nobody). */
  readonly ownerFallback?: { readonly hubspot: string | null; readonly salesforce: string | null };
  /**
   * Owners a side gives a record by itself when the bridge could not name one (emails): Salesforce's is the
   * user the bridge acts as, who owns what the bridge creates.
   */
  readonly assignedOwners?: { readonly hubspot: string | null; readonly salesforce: string | null };
  /** The links between companies and Accounts the records at hand name (absent: none known). */
  readonly associationLinks?: AssociationLinks;
  /** The deal at hand, whose pipeline decides which stage a StageName is (absent: not a deal). */
  readonly deal?: DealStageContext;
}

export function createTransform(spec: TransformSpec, context: TransformContext): FieldTransform {
  switch (spec.kind) {
    case 'text':
      return createTextTransform({ salesforceBlank: spec.salesforceBlank });
    case 'email':
      return createEmailTransform();
    case 'domain':
      return createDomainTransform();
    case 'phone':
      return createPhoneTransform(context.phoneDefaultCountry);
    case 'number':
      return createNumberTransform(spec.decimalPlaces);
    case 'boolean':
      return createBooleanTransform();
    case 'date':
      return createDateTransform();
    case 'datetime':
      return createDateTimeTransform();
    case 'picklist':
      return createPicklistTransform(spec);
    case 'multiselect':
      return createMultiSelectTransform(spec);
    case 'owner':
      return createOwnerTransform(context.owners);
    case 'stages':
      return createStagesTransform(spec, context.deal);
    case 'association':
      return createAssociationTransform(spec.to, context.associationLinks ?? noAssociationLinks);
    default:
      return assertNever(spec, 'transform');
  }
}
