/**
 * HubSpot's lifecycle stage, as each portal has it. Since 2022 admins add, remove and reorder stages, so the
 * stages and their order are the portal's live options (the `lifecyclestage` property's options, by display
 * order), not HubSpot's eight defaults. Two rules follow:
 *
 * - a value the value map would write that the portal no longer has is replaced by another HubSpot value of
 *   the same group that it does have (the group means the same thing to Salesforce, so nothing else changes);
 * - through the API a stage only moves forward: an earlier stage than the current one is refused until the
 *   value is cleared, so such a write is preceded by one that clears it.
 *
 * Pure: the stages are an argument.
 */
import type { PicklistGroup } from './transforms/picklist';

export const LIFECYCLE_STAGE_PROPERTY = 'lifecyclestage';

function key(value: string): string {
  return value.trim().toLowerCase();
}

/**
 * The value to write for `value` in a portal whose stages are `stages` (in order): itself when the portal has
 * it, else the first value of its value-map group the portal has, else itself (HubSpot will say it is not an
 * option, and the record's failure says so).
 */
export function liveStageFor(
  value: string,
  groups: readonly PicklistGroup[],
  stages: readonly string[],
): string {
  const live = new Set(stages.map(key));
  if (value === '' || live.has(key(value))) return value;
  const group = groups.find((candidate) => candidate.hubspot.some((option) => key(option) === key(value)));
  return group?.hubspot.find((option) => live.has(key(option))) ?? value;
}

/** Whether setting `next` on a record at `current` moves its stage backward in the portal's order. */
export function movesBackward(
  current: string | null | undefined,
  next: string | null | undefined,
  stages: readonly string[],
): boolean {
  if (!current || !next || key(current) === key(next)) return false;
  const order = stages.map(key);
  const from = order.indexOf(key(current));
  const to = order.indexOf(key(next));
  return from >= 0 && to >= 0 && to < from;
}
