/**
 * Loading a round's units, in three steps the batch calls in turn:
 *
 * - `hold`: the records each unit names are locked (PostgreSQL: no two workers hold the same record); a
 *   unit another worker holds waits.
 * - `readChanged`: the changed side is read, unless change detection carried it or the previous round knows
 *   it; the echo test then ends every unit whose changed side holds exactly what was last synced, without
 *   reading anything else (first round only: later rounds come after the bridge's own writes).
 * - `readRest`: the other side of linked units, and the candidates of unlinked records.
 */
import { matchesShadows } from '../../domain/echo';
import type { Side } from '../../domain/records';
import { contended } from '../../domain/settlement';
import type { BatchContext } from '../context';
import type { RecordLocks } from '../locks';
import { associationLinksFor, readCandidates, readSides } from '../reads';
import { noAssociationLinks, type AssociationLinks } from '../../domain/transforms/association';
import {
  dirtySides,
  domainLink,
  NO_CANDIDATES,
  ownKeys,
  trustedSides,
  type Sides,
  type StoredUnit,
  type Unit,
} from '../unit';
import type { Verdict } from './conclude';

const BOTH: readonly Side[] = ['hubspot', 'salesforce'];

/** Units with the records read so far. */
export interface Reading {
  readonly unit: StoredUnit;
  readonly sides: Sides;
}

export async function hold(
  context: BatchContext,
  units: readonly StoredUnit[],
  locks: RecordLocks,
): Promise<{ held: StoredUnit[]; ended: Verdict[] }> {
  const held: StoredUnit[] = [];
  const ended: Verdict[] = [];
  for (const unit of units) {
    const keys = ownKeys(context.installationId, unit);
    if (await locks.tryLock(keys)) {
      context.logger.debug(
        {
          event: 'records_locked',
          worker: context.workerId,
          installationId: context.installationId,
          records: keys,
        },
        `holding ${keys.length} records`,
      );
      held.push(unit);
    } else {
      const message = 'Another worker is syncing the other side of this record.';
      ended.push({
        kind: 'settle',
        unit,
        settlement: contended(context.now(), context.policy.contendedRetryMs, message),
      });
    }
  }
  return { held, ended };
}

/** The changed sides hold what was last synced: nothing can flow, and the other side is not read. */
function isEcho(
  context: BatchContext,
  unit: StoredUnit,
  sides: Sides,
  associationLinks: AssociationLinks,
): boolean {
  if (
    !unit.link ||
    unit.link.state !== 'active' ||
    unit.hint !== null ||
    unit.requestedByPerson ||
    unit.dependsOnOthers
  )
    return false;
  if (Object.keys(unit.resolutions).length > 0) return false;
  const link = domainLink(unit.link);
  for (const side of dirtySides(unit)) {
    const changed =
      side === 'hubspot'
        ? sides.hubspot && { side: 'hubspot' as const, record: sides.hubspot }
        : sides.salesforce && { side: 'salesforce' as const, record: sides.salesforce };
    if (!changed) return false;
    const same = matchesShadows({
      settings: context.settings,
      link,
      changed,
      shadows: unit.shadows,
      owners: context.metadata.owners,
      associationLinks,
    });
    if (!same) return false;
  }
  return true;
}

export async function readChanged(
  context: BatchContext,
  units: readonly StoredUnit[],
  round: number,
): Promise<{ reading: Reading[]; ended: Verdict[] }> {
  const sides = await readSides(
    context,
    units.flatMap((unit) => {
      if (!unit.link) return [{ unit, side: unit.subject.side }];
      return (round === 1 ? [...dirtySides(unit)] : BOTH).map((side) => ({ unit, side }));
    }),
    new Map(units.map((unit) => [unit.key, unit.held])),
  );
  const reading: Reading[] = [];
  const ended: Verdict[] = [];
  const associationLinks =
    round === 1
      ? await associationLinksFor(
          context,
          [...sides.values()].map((read) => read.hubspot ?? null),
          [...sides.values()].map((read) => read.salesforce ?? null),
        )
      : noAssociationLinks;
  for (const unit of units) {
    const read = sides.get(unit.key) ?? {};
    if (round === 1 && isEcho(context, unit, read, associationLinks)) {
      ended.push({ kind: 'settle', unit, settlement: { kind: 'complete' }, echo: true });
    } else {
      reading.push({ unit, sides: trustedSides(unit, read) });
    }
  }
  return { reading, ended };
}

export async function readRest(context: BatchContext, reading: readonly Reading[]): Promise<Unit[]> {
  const sides = await readSides(
    context,
    reading.filter(({ unit }) => unit.link).flatMap(({ unit }) => BOTH.map((side) => ({ unit, side }))),
    new Map(reading.map(({ unit, sides: read }) => [unit.key, read])),
  );
  const recordsOf = (unit: StoredUnit) => ({
    hubspot: sides.get(unit.key)?.hubspot ?? null,
    salesforce: sides.get(unit.key)?.salesforce ?? null,
  });
  const candidates = await readCandidates(
    context,
    reading.filter(({ unit }) => !unit.link).map(({ unit }) => ({ unit, ...recordsOf(unit) })),
  );
  return reading.map(({ unit }) => ({
    ...unit,
    ...recordsOf(unit),
    hubspotWithHistory: false,
    ...(candidates.get(unit.key) ?? NO_CANDIDATES),
  }));
}
