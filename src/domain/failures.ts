/**
 * The failure categories used across the engine, whether a failure is worth retrying, and the sentence a
 * person reads on the card and the settings page.
 *
 * Connectors map upstream errors (HTTP status, Salesforce `errorCode`, HubSpot `category`) to a category;
 * the planner produces the categories it can detect before writing. Everything that is decided about a
 * category is decided here, in exhaustive switches, so adding a category fails to compile until every
 * decision covers it.
 *
 * Two shapes carry a category: `SyncFailure`, one record's write refused (or one the planner would not
 * make), and `CallFailure`, a call that failed as a whole and so says nothing about any one record in it.
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

/**
 * A call that failed as a whole: no answer in time, an outage, a rate limit, a lock, a revoked connection,
 * a spent API budget. Each connector makes one from its own errors (`callFailureOf`,
 * src/connectors/callFailure.ts); what it means for the records in the call is for the sync to decide.
 */
export interface CallFailure {
  /** The system the call went to; null when neither answered for it (a bare deadline, a bug). */
  readonly side: Side | null;
  readonly category: FailureCategory;
  /**
   * Machine-readable and stable: Salesforce's own `errorCode` (`REQUEST_LIMIT_EXCEEDED`), the bridge's
   * name for a HubSpot answer (`hubspot_locked`), `timeout`, `budget_exhausted` or `unexpected_error`.
   */
  readonly code: string;
  /** What happened, for logs and the row's last error; never holds a token. */
  readonly message: string;
  /** `isRetryable(category)`: whether the same call can succeed later without a person doing anything. */
  readonly retryable: boolean;
  /**
   * The least wait before the same call may go out again, when the system said (Retry-After, the window of
   * the rate limit that was hit, how long HubSpot's locks last, how long a spent allocation takes to free up).
   */
  readonly retryAfterMs: number | null;
  /** Set when the whole account cannot be served for a while: see `AccountHold`. */
  readonly hold: AccountHold | null;
  /** What the system said, for the logs and the stored error (status, upstream codes, correlation id). */
  readonly details: Readonly<Record<string, unknown>>;
}

/**
 * A failure that is no fault of the call nor of the records in it: the account cannot be served for a
 * while, however the call is made, so its records wait without counting an attempt. (A connection that
 * needs an admin is category `auth`; how long its records wait is the sync's setting.)
 */
export type AccountHold =
  /** The installation's own API budget is spent; calls may go out again at `untilMs` (epoch ms). */
  | {
      readonly kind: 'budget_exhausted';
      readonly untilMs: number;
      /** For the installation's status: "Salesforce daily API share (25 %) used up". */
      readonly reason: string;
    }
  /** HubSpot is moving the account between data hosting locations (a 477), for hours: `retryAfterMs` says when to look again. */
  | { readonly kind: 'migration_in_progress' };

/** A CallFailure whose `retryable` is decided by its category, like every other failure's. */
export function makeCallFailure(
  failure: Omit<CallFailure, 'retryable' | 'retryAfterMs' | 'hold' | 'details'> &
    Partial<Pick<CallFailure, 'retryAfterMs' | 'hold' | 'details'>>,
): CallFailure {
  return {
    side: failure.side,
    category: failure.category,
    code: failure.code,
    message: failure.message,
    retryable: isRetryable(failure.category),
    retryAfterMs: failure.retryAfterMs ?? null,
    hold: failure.hold ?? null,
    details: failure.details ?? {},
  };
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
