/**
 * Who wins one field: the ownership rule applied to both sides' current values and the shadow (the last
 * value both sides agreed on).
 *
 * A side "changed" when its value differs from the shadow. Only one side changed: it flows if the rule
 * lets it, otherwise the owner's value is written back. Both changed to the same value: nothing to write,
 * the shadow moves. Both changed to different values: the rule decides. No shadow yet (a first sync of a
 * new link): both sides count as changed, except that a blank never wipes out a value.
 *
 * Each decision carries a reason; docs/sync-rules.md has the same table in words.
 */
import type { OwnershipRule } from './settings/schema';
import type { CanonicalValue, Observed } from './transforms/canonical';
import { isBlank, observedEquals, observedEqualsCanonical } from './transforms/canonical';
import type { Side } from './records';
import { otherSide } from './records';
import { assertNever } from './result';

export const decisionReasons = [
  /** Neither side changed since the last sync. */
  'unchanged',
  /** Both sides hold the same value (both changed to it, or they already agreed at the first sync). */
  'same_value',
  /** One side changed and the rule lets that change flow. */
  'changed_on_one_side',
  /** `hubspot`/`salesforce`: the owner's value is written (its change, or re-applied over the other side's). */
  'owner_wins',
  /** First sync under an owner rule with the owner blank: the other side's value is left alone. */
  'owner_blank_at_first_sync',
  /** `prefer_*_unless_blank`: the preferred side has a value, so it wins. */
  'preferred_side_wins',
  /** `prefer_*_unless_blank`: the preferred side is blank, so the other side's value fills it. */
  'preferred_side_blank',
  /** `two_way`: both changed; the more recent change wins. */
  'newer_wins',
  /** First sync: one side is blank and the other side's value fills it. */
  'blank_filled',
  /** `review`: both changed to different values; a person picks. */
  'review_required',
  /** `on_create`: written only when the record is created. */
  'create_only',
  /** `none`: never synced. */
  'not_synced',
  /** Creating the record: the value is sent with the create. */
  'sent_on_create',
  /** Creating the record: the rule gives the new record's own system this field, so nothing is sent. */
  'not_sent_on_create',
  /** Creating the record: the value is blank, so nothing is sent. */
  'blank_on_create',
  /** A person picked the value of a conflict (decided by the planner, never by decideField). */
  'resolved_by_person',
] as const;
export type DecisionReason = (typeof decisionReasons)[number];

export type FieldDecision =
  | { readonly action: 'write'; readonly to: Side; readonly value: Observed; readonly reason: DecisionReason }
  | {
      readonly action: 'nothing';
      readonly reason: DecisionReason;
      /** Set when both sides agree on a value the shadow does not hold yet. */
      readonly agreedValue?: CanonicalValue;
    }
  | { readonly action: 'conflict'; readonly reason: 'review_required' };

export interface FieldState {
  readonly rule: OwnershipRule;
  readonly hubspot: Observed;
  readonly salesforce: Observed;
  /** The last value both sides agreed on; `undefined` when the field has never been synced for this link. */
  readonly shadow: CanonicalValue | undefined;
  /** When HubSpot's value last changed (the property's timestamp), epoch ms. */
  readonly hubspotChangedAtMs: number;
  /** When Salesforce's record last changed (LastModifiedDate: Salesforce has no per-field time), epoch ms. */
  readonly salesforceChangedAtMs: number;
  /** The side whose record is being created by this sync, if any. */
  readonly creating: Side | null;
}

/** Whether a value may be sent into a record being created on `into`. */
export function sentOnCreate(rule: OwnershipRule, into: Side): boolean {
  switch (rule) {
    case 'hubspot':
      return into === 'salesforce';
    case 'salesforce':
      return into === 'hubspot';
    case 'two_way':
    case 'review':
    case 'prefer_hubspot_unless_blank':
    case 'prefer_salesforce_unless_blank':
    case 'on_create':
      return true;
    case 'none':
      return false;
    default:
      return assertNever(rule, 'ownership rule');
  }
}

function write(to: Side, state: FieldState, reason: DecisionReason): FieldDecision {
  return { action: 'write', to, value: to === 'hubspot' ? state.salesforce : state.hubspot, reason };
}

function owningSide(rule: OwnershipRule): Side | null {
  if (rule === 'hubspot' || rule === 'prefer_hubspot_unless_blank') return 'hubspot';
  if (rule === 'salesforce' || rule === 'prefer_salesforce_unless_blank') return 'salesforce';
  return null;
}

function valueOf(state: FieldState, side: Side): Observed {
  return side === 'hubspot' ? state.hubspot : state.salesforce;
}

function decideCreate(state: FieldState, into: Side): FieldDecision {
  if (!sentOnCreate(state.rule, into)) return { action: 'nothing', reason: 'not_sent_on_create' };
  if (isBlank(valueOf(state, otherSide(into)))) return { action: 'nothing', reason: 'blank_on_create' };
  return write(into, state, 'sent_on_create');
}

/** Both sides count as changed: used for a first sync and when both really changed. */
function decideBothChanged(state: FieldState, firstSync: boolean): FieldDecision {
  const hubspotBlank = isBlank(state.hubspot);
  const salesforceBlank = isBlank(state.salesforce);
  switch (state.rule) {
    case 'hubspot':
    case 'salesforce': {
      const owner = owningSide(state.rule) as Side;
      if (firstSync && isBlank(valueOf(state, owner))) {
        return { action: 'nothing', reason: 'owner_blank_at_first_sync' };
      }
      return write(otherSide(owner), state, 'owner_wins');
    }
    case 'prefer_hubspot_unless_blank':
    case 'prefer_salesforce_unless_blank': {
      const preferred = owningSide(state.rule) as Side;
      return isBlank(valueOf(state, preferred))
        ? write(preferred, state, 'preferred_side_blank')
        : write(otherSide(preferred), state, 'preferred_side_wins');
    }
    case 'two_way':
    case 'review':
      if (firstSync && hubspotBlank) return write('hubspot', state, 'blank_filled');
      if (firstSync && salesforceBlank) return write('salesforce', state, 'blank_filled');
      if (state.rule === 'review') return { action: 'conflict', reason: 'review_required' };
      // Ties go to HubSpot: arbitrary, but fixed, so a replay decides the same way.
      return state.hubspotChangedAtMs >= state.salesforceChangedAtMs
        ? write('salesforce', state, 'newer_wins')
        : write('hubspot', state, 'newer_wins');
    case 'on_create':
      return { action: 'nothing', reason: 'create_only' };
    case 'none':
      return { action: 'nothing', reason: 'not_synced' };
    default:
      return assertNever(state.rule, 'ownership rule');
  }
}

function decideOneChanged(state: FieldState, changed: Side): FieldDecision {
  const unchanged = otherSide(changed);
  switch (state.rule) {
    case 'hubspot':
    case 'salesforce': {
      const owner = owningSide(state.rule) as Side;
      // A change on the owner flows; a change on the other side is overwritten with the owner's value.
      return write(otherSide(owner), state, 'owner_wins');
    }
    case 'prefer_hubspot_unless_blank':
    case 'prefer_salesforce_unless_blank': {
      const preferred = owningSide(state.rule) as Side;
      if (changed === preferred) return write(unchanged, state, 'preferred_side_wins');
      return isBlank(valueOf(state, preferred))
        ? write(preferred, state, 'preferred_side_blank')
        : write(changed, state, 'preferred_side_wins');
    }
    case 'two_way':
    case 'review':
      return write(unchanged, state, 'changed_on_one_side');
    case 'on_create':
      return { action: 'nothing', reason: 'create_only' };
    case 'none':
      return { action: 'nothing', reason: 'not_synced' };
    default:
      return assertNever(state.rule, 'ownership rule');
  }
}

export function decideField(state: FieldState): FieldDecision {
  if (state.rule === 'none') return { action: 'nothing', reason: 'not_synced' };
  if (state.creating) return decideCreate(state, state.creating);
  if (state.rule === 'on_create') return { action: 'nothing', reason: 'create_only' };

  const { hubspot, salesforce, shadow } = state;
  if (observedEquals(hubspot, salesforce)) {
    if (shadow !== undefined && observedEqualsCanonical(hubspot, shadow)) {
      return { action: 'nothing', reason: 'unchanged' };
    }
    const agreedValue = hubspot.kind === 'value' ? hubspot.value : null;
    return { action: 'nothing', reason: 'same_value', agreedValue };
  }
  if (shadow === undefined) return decideBothChanged(state, true);

  const hubspotChanged = !observedEqualsCanonical(hubspot, shadow);
  const salesforceChanged = !observedEqualsCanonical(salesforce, shadow);
  if (hubspotChanged && salesforceChanged) return decideBothChanged(state, false);
  if (hubspotChanged) return decideOneChanged(state, 'hubspot');
  if (salesforceChanged) return decideOneChanged(state, 'salesforce');
  // Both equal the shadow yet differ from each other: impossible for representable values.
  return { action: 'nothing', reason: 'unchanged' };
}
