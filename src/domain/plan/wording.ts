/**
 * The audit line for each field decision: what happened and why, in words an admin reads on the card.
 */
import type { FieldDecision } from '../ownership';
import { otherSide, sideLabel } from '../records';
import { assertNever } from '../result';
import type { OwnershipRule } from '../settings/schema';
import type { Observed } from '../transforms/canonical';
import { displayObserved } from '../transforms/canonical';

export interface DecisionValues {
  readonly hubspot: Observed;
  readonly salesforce: Observed;
  readonly hubspotChangedAtMs: number;
  readonly salesforceChangedAtMs: number;
}

function quoted(value: Observed): string {
  return `"${displayObserved(value)}"`;
}

export function describeDecision(
  label: string,
  rule: OwnershipRule,
  decision: FieldDecision,
  values: DecisionValues,
): string {
  const to = decision.action === 'write' ? decision.to : 'salesforce';
  const from = otherSide(to);
  const target = sideLabel(to);
  const source = sideLabel(from);
  const value = decision.action === 'write' ? quoted(decision.value) : '';
  const reason = decision.reason;
  switch (reason) {
    case 'unchanged':
      return `${label}: unchanged on both sides.`;
    case 'same_value':
      return `${label}: both sides hold the same value; nothing to write.`;
    case 'changed_on_one_side':
      return `${label}: changed in ${source} to ${value}; written to ${target} (rule "${rule}").`;
    case 'owner_wins':
      return `${label} belongs to ${source} (rule "${rule}"): ${value} written to ${target}.`;
    case 'owner_blank_at_first_sync':
      return `${label} belongs to ${rule === 'hubspot' ? 'HubSpot' : 'Salesforce'}, which is blank; the other side's value is left as it is.`;
    case 'preferred_side_wins':
      return `${label}: ${source}'s value is preferred (rule "${rule}"); ${value} written to ${target}.`;
    case 'preferred_side_blank':
      return `${label}: the preferred side ${target} is blank, so ${source}'s ${value} fills it (rule "${rule}").`;
    case 'newer_wins': {
      const at = from === 'hubspot' ? values.hubspotChangedAtMs : values.salesforceChangedAtMs;
      return `${label}: changed on both sides; ${source}'s change (${new Date(at).toISOString()}) is the newer one, so ${value} written to ${target}.`;
    }
    case 'blank_filled':
      return `${label}: ${target} was blank; filled with ${source}'s ${value}.`;
    case 'review_required':
      return `${label}: changed on both sides (HubSpot ${quoted(values.hubspot)}, Salesforce ${quoted(values.salesforce)}); waiting for a person to pick.`;
    case 'create_only':
      return `${label}: set only when a record is created (rule "on_create").`;
    case 'not_synced':
      return `${label}: not synced (rule "none").`;
    case 'sent_on_create':
      return `${label}: ${value} sent with the new ${target} record.`;
    case 'not_sent_on_create':
      return `${label}: left to the new record's own system (rule "${rule}").`;
    case 'blank_on_create':
      return `${label}: blank, so not sent with the new record.`;
    case 'resolved_by_person':
      return `${label}: a person picked the value to keep.`;
    default:
      return assertNever(reason, 'decision reason');
  }
}
