/** What happened in a portal, as the webhook dispatcher needs to know it. One write can produce several. */
import type { Actor } from './actor';
import type { ObjectType } from './object-types';

interface Base {
  objectType: ObjectType;
  occurredAtMs: number;
  actor: Actor;
}

export type ChangeEvent =
  | (Base & { kind: 'creation' | 'deletion' | 'restore' | 'privacyDeletion'; objectId: string })
  | (Base & { kind: 'propertyChange'; objectId: string; propertyName: string; propertyValue: string })
  | (Base & {
      kind: 'merge';
      objectId: string;
      primaryObjectId: string;
      mergedObjectIds: string[];
      newObjectId: string;
      numberOfPropertiesMoved: number;
    })
  | (Base & {
      kind: 'associationChange';
      /** objectType is the `from` side; one event per direction. */
      fromObjectId: string;
      toObjectType: ObjectType;
      toObjectId: string;
      associationTypeId: number;
      associationCategory: 'HUBSPOT_DEFINED';
      isPrimary: boolean;
      removed: boolean;
    });

export type ChangeListener = (portalId: number, change: ChangeEvent) => void;
