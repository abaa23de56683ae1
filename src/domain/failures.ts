/**
 * The failure categories used across the engine, whether a failure is worth retrying, and the sentence a
 * person reads on the card and the settings page.
 *
 * Connectors map upstream errors (HTTP status, Salesforce `errorCode`, HubSpot `category`) to a category;
 * the planner produces the categories it can detect before writing. Everything that is decided about a
 * category is decided here, in exhaustive switches, so adding a category fails to compile until every
 * decision covers it.
 */
import type { Side } from './records';
import { otherSide, sideLabel } from './records';
import { assertNever } from './result';

export const failureCategories = [
  'validation',
  'required_field_missing',
  'picklist_value_not_allowed',
  'duplicate',
  'permission',
  'not_found',
  'conflict',
  'rate_limited',
  'transient',
  'auth',
  'converted_lead',
  'unknown',
] as const;
export type FailureCategory = (typeof failureCategories)[number];

export interface SyncFailure {
  readonly category: FailureCategory;
  /** Machine-readable and stable: an upstream error code or one of the planner's own codes. */
  readonly code: string;
  readonly retryable: boolean;
  /** One sentence that says what happened and what to do next. */
  readonly message: string;
  /** The system that rejected the write (or would have). */
  readonly side: Side | null;
  /** The mapped field the failure is about, when it is about one field. */
  readonly fieldKey: string | null;
  readonly details: Readonly<Record<string, unknown>>;
}

/** What the sentence may mention. Every member is optional so connectors fill in what they know. */
export interface FailureContext {
  /** The system the write went to. */
  readonly side?: Side | null;
  /** A record type people recognise: `Lead`, `Contact`, `contact`. */
  readonly object?: string;
  /** The field's human label. */
  readonly field?: string;
  readonly fields?: readonly string[];
  readonly value?: string;
  /** The upstream message or a short explanation. */
  readonly detail?: string;
}

/**
 * Whether waiting and trying again can succeed without a person doing anything. `unknown` is retried
 * (a bounded number of times by the queue) because an unclassified error is more often a glitch than a
 * rule; everything a person has to fix is not.
 */
export function isRetryable(category: FailureCategory): boolean {
  switch (category) {
    case 'rate_limited':
    case 'transient':
    case 'unknown':
      return true;
    case 'validation':
    case 'required_field_missing':
    case 'picklist_value_not_allowed':
    case 'duplicate':
    case 'permission':
    case 'not_found':
    case 'conflict':
    case 'auth':
    case 'converted_lead':
      return false;
    default:
      return assertNever(category, 'failure category');
  }
}

function article(noun: string): string {
  return /^[aeiou]/i.test(noun) ? 'an' : 'a';
}

export function failureSentence(category: FailureCategory, context: FailureContext = {}): string {
  const system = context.side ? sideLabel(context.side) : 'the other system';
  const System = context.side ? sideLabel(context.side) : 'The other system';
  const source = context.side ? sideLabel(otherSide(context.side)) : 'the source system';
  const field = context.field ? `"${context.field}"` : 'a field';
  const object = context.object ?? 'record';
  const detail = context.detail ? ` (${context.detail})` : '';
  switch (category) {
    case 'validation':
      return `The value${context.value ? ` "${context.value}"` : ''} of ${field} cannot be written to ${system}${detail}. Correct it in ${source} or change the field mapping in the app settings.`;
    case 'required_field_missing': {
      const names = context.fields && context.fields.length > 0 ? context.fields.join(', ') : field;
      return `${System} requires ${names} to create ${article(object)} ${object}, and the value is blank. Fill it in ${source}, then press Retry.`;
    }
    case 'picklist_value_not_allowed':
      return `The value${context.value ? ` "${context.value}"` : ''} of ${field} has no matching value in ${system}${detail}. Add it to the field's value map in the app settings, then press Retry.`;
    case 'duplicate':
      return `${System} refused to save this ${object} because it looks like a duplicate${detail}. Merge the duplicates or pick the record to link, then press Retry.`;
    case 'permission':
      return `The connected ${system} user is not allowed to make this change${detail}. Grant the missing access in ${system}, then press Retry.`;
    case 'not_found':
      return `The linked ${system} ${object} no longer exists${detail}. It may have been deleted or merged; the link will be reviewed.`;
    case 'conflict':
      return `${field === 'a field' ? 'A field' : field} changed in both HubSpot and Salesforce since the last sync. Pick the value to keep on the record's sync card.`;
    case 'rate_limited':
      return `${System} API limit reached${detail}. The sync waits and resumes on its own; nothing needs doing.`;
    case 'transient':
      return `${System} was briefly unavailable${detail}. The sync retries on its own; nothing needs doing.`;
    case 'auth':
      return `The connection to ${system} has expired or was revoked. Reconnect ${system} in the app settings to resume syncing.`;
    case 'converted_lead':
      return `The Salesforce Lead was converted${detail}. The sync now follows the Contact it became; nothing needs doing.`;
    case 'unknown':
      return `${context.side ? `${System} returned an unexpected error` : 'An unexpected error occurred'}${detail}. The sync retries a few times; if it keeps failing, press Retry later or contact support.`;
    default:
      return assertNever(category, 'failure category');
  }
}

/** A stored category, read back: anything this version does not know reads as `unknown`. */
export function asFailureCategory(category: string): FailureCategory {
  return (failureCategories as readonly string[]).includes(category)
    ? (category as FailureCategory)
    : 'unknown';
}

export interface FailureAdvice {
  /** A few words for the card: what kind of problem it is. */
  readonly title: string;
  /** What the person reading the card should do (often: nothing). */
  readonly whatToDo: string;
}

/**
 * The card's words for a failure, next to its stored sentence (which says what happened to this record). `side`
 * is the system that refused the write, when known.
 */
export function failureAdvice(category: FailureCategory, side: Side | null = null): FailureAdvice {
  const system = side ? sideLabel(side) : 'the other system';
  const source = side ? sideLabel(otherSide(side)) : 'the system it comes from';
  switch (category) {
    case 'validation':
      return {
        title: `Value refused by ${system}`,
        whatToDo: `Correct the value in ${source}, or ask an admin to change the field's mapping in the app settings, then press Retry.`,
      };
    case 'required_field_missing':
      return {
        title: 'A required field is blank',
        whatToDo: `Fill in the missing field in ${source}, then press Retry.`,
      };
    case 'picklist_value_not_allowed':
      return {
        title: 'Value not in the picklist',
        whatToDo:
          "Ask an admin to add the value to the field's value map in the app settings, or pick another value, then press Retry.",
      };
    case 'duplicate':
      return {
        title: 'Looks like a duplicate',
        whatToDo: 'Merge the duplicate records, or pick the record to link, then press Retry.',
      };
    case 'permission':
      return {
        title: `Not allowed in ${system}`,
        whatToDo: `Ask an admin to give the connected ${system} user access to this record and its fields, then press Retry.`,
      };
    case 'not_found':
      return {
        title: 'Linked record not found',
        whatToDo:
          'Nothing for now: if the record was merged or deleted, the sync follows what happened to it. Press Retry if it was restored.',
      };
    case 'conflict':
      return {
        title: 'Changed on both sides',
        whatToDo: 'Pick the value to keep on this card.',
      };
    case 'rate_limited':
      return {
        title: 'Waiting for the API limit',
        whatToDo: 'Nothing: the sync resumes on its own when the limit frees up.',
      };
    case 'transient':
      return {
        title: `${side ? sideLabel(side) : 'A system'} was briefly unavailable`,
        whatToDo: 'Nothing: the sync retries on its own.',
      };
    case 'auth':
      return {
        title: 'Connection expired',
        whatToDo: `Ask an admin to reconnect ${side ? sideLabel(side) : 'Salesforce'} in the app settings; the sync resumes then.`,
      };
    case 'converted_lead':
      return {
        title: 'Lead was converted',
        whatToDo: 'Nothing: the sync now follows the Contact the Lead became.',
      };
    case 'unknown':
      return {
        title: 'Unexpected error',
        whatToDo: 'Press Retry; if it keeps failing, contact support with the error code shown.',
      };
    default:
      return assertNever(category, 'failure category');
  }
}

export function makeFailure(
  category: FailureCategory,
  code: string,
  context: FailureContext = {},
  extra: { fieldKey?: string | null; details?: Record<string, unknown> } = {},
): SyncFailure {
  return {
    category,
    code,
    retryable: isRetryable(category),
    message: failureSentence(category, context),
    side: context.side ?? null,
    fieldKey: extra.fieldKey ?? null,
    details: extra.details ?? {},
  };
}
