/**
 * Who made a change. It decides the property history source (`sourceType`/`sourceId`) and the webhook
 * `changeSource`/`sourceId`, which is how a two-way sync tells its own writes from everybody else's.
 */

export type Actor =
  | { kind: 'integration'; appId: number; appName: string }
  | { kind: 'user'; userId: number; email: string }
  | { kind: 'import'; importId: string };

export interface HistorySource {
  sourceType: string;
  sourceId: string | null;
  sourceLabel: string | null;
  updatedByUserId: number | null;
}

export function historySourceOf(actor: Actor): HistorySource {
  switch (actor.kind) {
    case 'integration':
      return {
        sourceType: 'INTEGRATION',
        sourceId: String(actor.appId),
        sourceLabel: actor.appName,
        updatedByUserId: null,
      };
    case 'user':
      return {
        sourceType: 'CRM_UI',
        sourceId: `userId:${actor.userId}`,
        sourceLabel: null,
        updatedByUserId: actor.userId,
      };
    case 'import':
      return { sourceType: 'IMPORT', sourceId: actor.importId, sourceLabel: null, updatedByUserId: null };
  }
}

/** Values HubSpot computes itself (record id, last-modified date) carry this source. */
export const CALCULATED_SOURCE: HistorySource = {
  sourceType: 'CALCULATED',
  sourceId: null,
  sourceLabel: null,
  updatedByUserId: null,
};

export function webhookSourceOf(actor: Actor): { changeSource: string; sourceId: string } {
  switch (actor.kind) {
    case 'integration':
      return { changeSource: 'INTEGRATION', sourceId: String(actor.appId) };
    case 'user':
      return { changeSource: 'CRM_UI', sourceId: `userId:${actor.userId}` };
    case 'import':
      return { changeSource: 'IMPORT', sourceId: actor.importId };
  }
}
