/** Association writes shared by object creation, the v4 API and simulated user actions. */
import { z } from 'zod';
import { errors, type HubSpotApiError } from '../http/errors';
import { associationType, type AssociationDelta } from './associations';
import { OBJECT_TYPES, type ObjectType } from './object-types';
import { applySystemUpdate, type WriteContext } from './records';

export const AssociationSpecSchema = z.object({
  associationCategory: z.enum(['HUBSPOT_DEFINED', 'USER_DEFINED', 'INTEGRATOR_DEFINED']),
  associationTypeId: z.number().int(),
});
export type AssociationSpec = z.infer<typeof AssociationSpecSchema>;

export const CreateAssociationsSchema = z.array(
  z.object({
    to: z.object({ id: z.union([z.string(), z.number()]).transform(String) }),
    types: z.array(AssociationSpecSchema).min(1),
  }),
);

/** Checks a type between two object types exists and both records are live; returns the error otherwise. */
export function checkAssociation(
  context: WriteContext,
  fromType: ObjectType,
  fromId: string,
  toType: ObjectType,
  toId: string,
  spec: AssociationSpec,
): HubSpotApiError | null {
  const info = associationType(spec.associationTypeId);
  if (
    !info ||
    spec.associationCategory !== 'HUBSPOT_DEFINED' ||
    info.from !== fromType ||
    info.to !== toType
  ) {
    return errors.validation(
      `${spec.associationCategory} ${spec.associationTypeId} is not a valid association type between ${OBJECT_TYPES[fromType].upper} and ${OBJECT_TYPES[toType].upper}`,
    );
  }
  for (const [type, id] of [
    [fromType, fromId],
    [toType, toId],
  ] as const) {
    const record = context.portal.tables[type].records.get(id);
    if (!record || record.archived) {
      return errors.notFound(`No ${OBJECT_TYPES[type].singular} with id ${id} exists`);
    }
  }
  return null;
}

/** Adds the associations and emits one associationChange per new edge (both directions). */
export function associate(
  context: WriteContext,
  fromType: ObjectType,
  fromId: string,
  toType: ObjectType,
  toId: string,
  typeIds: number[],
): AssociationDelta[] {
  const deltas: AssociationDelta[] = [];
  for (const typeId of typeIds)
    deltas.push(...context.portal.associations.add(fromType, fromId, toType, toId, typeId));
  emitDeltas(context, deltas);
  keepRollups(context, deltas);
  return deltas;
}

export function dissociate(
  context: WriteContext,
  fromType: ObjectType,
  fromId: string,
  toType: ObjectType,
  toId: string,
  typeIds?: number[],
): AssociationDelta[] {
  const deltas = context.portal.associations.remove(fromType, fromId, toType, toId, typeIds);
  emitDeltas(context, deltas);
  keepRollups(context, deltas);
  return deltas;
}

/**
 * HubSpot's properties that follow associations: a contact's `associatedcompanyid` (its primary company)
 * and a deal's `num_associated_contacts`. When one changes, HubSpot writes it as its own (`CALCULATED`), which
 * moves the record's last-modified date, so a search on it finds the record. No property-change webhook is
 * sent for them here (the association change has its own event). A deal's primary company has no such property: moving the label
 * between companies it is already associated with changes nothing a search can see.
 */
function keepRollups(context: WriteContext, deltas: readonly AssociationDelta[]): void {
  const touched = new Map<string, { type: ObjectType; id: string }>();
  for (const delta of deltas) {
    for (const [type, id, other] of [
      [delta.fromType, delta.fromId, delta.toType],
      [delta.toType, delta.toId, delta.fromType],
    ] as const) {
      const follows =
        (type === 'contacts' && other === 'companies') || (type === 'deals' && other === 'contacts');
      if (follows) touched.set(`${type}:${id}`, { type, id });
    }
  }
  for (const { type, id } of touched.values()) {
    const record = context.portal.tables[type].records.get(id);
    if (!record || record.archived) continue;
    const [name, value] =
      type === 'contacts'
        ? [
            'associatedcompanyid',
            context.portal.associations
              .list('contacts', id, 'companies')
              .find((edge) => edge.typeIds.some((typeId) => associationType(typeId)?.primary === true))
              ?.toId ?? '',
          ]
        : [
            'num_associated_contacts',
            String(context.portal.associations.list('deals', id, 'contacts').length),
          ];
    if ((record.values.get(name) ?? '') === value) continue;
    applySystemUpdate(context, type, record, new Map([[name, value]]));
  }
}

function emitDeltas(context: WriteContext, deltas: AssociationDelta[]): void {
  for (const delta of deltas) {
    context.portal.emit({
      kind: 'associationChange',
      objectType: delta.fromType,
      occurredAtMs: context.nowMs,
      actor: context.actor,
      fromObjectId: delta.fromId,
      toObjectType: delta.toType,
      toObjectId: delta.toId,
      associationTypeId: delta.typeId,
      associationCategory: 'HUBSPOT_DEFINED',
      isPrimary: associationType(delta.typeId)?.label === 'Primary',
      removed: delta.removed,
    });
  }
}
