/**
 * What the preview reads from the HubSpot emulator (through its control API, so it spends no API calls):
 * the portal's users, to build the extension context HubSpot would pass, and CRM records, for the record
 * page around a card and for `fetchCrmObjectProperties`.
 */
import type { CrmContext, SettingsContext } from '@hubspot/ui-extensions';
import {
  ControlApiError,
  type HubSpotEmulatorControl,
  type RawRecord,
} from '../emulators/hubspot/control/client';
import type { CrmLocation, RecordSummary, UserSummary } from './protocol';

/** A request the preview cannot serve as asked (no such portal or user); the page says why. */
export class PreviewInputError extends Error {
  constructor(
    message: string,
    readonly status = 404,
  ) {
    super(message);
    this.name = 'PreviewInputError';
  }
}

export const OBJECT_TYPES: Record<string, { objectType: string; singular: string }> = {
  '0-1': { objectType: 'contacts', singular: 'Contact' },
  '0-2': { objectType: 'companies', singular: 'Company' },
  '0-3': { objectType: 'deals', singular: 'Deal' },
  '0-5': { objectType: 'tickets', singular: 'Ticket' },
};

const HIGHLIGHTS: Record<string, Array<[string, string]>> = {
  contacts: [
    ['Email', 'email'],
    ['Phone number', 'phone'],
    ['Job title', 'jobtitle'],
    ['Company name', 'company'],
    ['Lifecycle stage', 'lifecyclestage'],
    ['Contact owner', 'hubspot_owner_id'],
  ],
  companies: [
    ['Domain', 'domain'],
    ['Industry', 'industry'],
    ['Phone number', 'phone'],
    ['City', 'city'],
    ['Company owner', 'hubspot_owner_id'],
  ],
  deals: [
    ['Amount', 'amount'],
    ['Deal stage', 'dealstage'],
    ['Close date', 'closedate'],
    ['Pipeline', 'pipeline'],
    ['Deal owner', 'hubspot_owner_id'],
  ],
};

export function recordName(objectType: string, properties: Record<string, string>): string | null {
  const value = (name: string) => properties[name]?.trim() || null;
  if (objectType === 'contacts') {
    const full = [value('firstname'), value('lastname')].filter(Boolean).join(' ');
    return full || value('email');
  }
  if (objectType === 'companies') return value('name') ?? value('domain');
  if (objectType === 'deals') return value('dealname');
  return null;
}

export interface PortalUsers {
  users: UserSummary[];
  /** The user the page is rendered for, as HubSpot's UserContext. */
  user: CrmContext['user'];
}

export async function portalUsers(
  control: HubSpotEmulatorControl,
  portalId: number,
  userId: number | undefined,
): Promise<PortalUsers> {
  let portal;
  try {
    portal = await control.portal(portalId);
  } catch (error) {
    if (error instanceof ControlApiError && error.status === 404) {
      throw new PreviewInputError(`The HubSpot emulator has no portal ${portalId}.`);
    }
    throw error;
  }
  const live = portal.users.filter((user) => !user.archived);
  const chosen = userId === undefined ? live[0] : live.find((user) => user.userId === userId);
  if (!chosen) throw new PreviewInputError(`Portal ${portalId} has no user ${userId}.`);
  // The portal's first user is its admin (the emulator's convention); only admins manage integrations.
  const isAdmin = chosen === live[0];
  return {
    users: live.map((user) => ({
      userId: user.userId,
      email: user.email,
      name: `${user.firstName} ${user.lastName}`.trim() || user.email,
    })),
    user: {
      id: chosen.userId,
      email: chosen.email,
      emails: [chosen.email],
      firstName: chosen.firstName,
      lastName: chosen.lastName,
      roles: [],
      teams: [],
      locale: 'en-us',
      language: 'en',
      permissions: isAdmin ? ['integrations-management-write'] : [],
    },
  };
}

export interface ContextInput {
  portalId: number;
  user: CrmContext['user'];
  appId: number;
  appName: string;
  timezone: string;
}

export function crmContext(
  input: ContextInput & { location: CrmLocation; objectTypeId: string; objectId: number; cardTitle: string },
): CrmContext {
  return {
    location: input.location,
    user: input.user,
    portal: { id: input.portalId, timezone: input.timezone },
    crm: { objectId: input.objectId, objectTypeId: input.objectTypeId },
    extension: { appId: input.appId, appName: input.appName, cardTitle: input.cardTitle },
    variables: {},
  };
}

export function settingsContext(input: ContextInput): SettingsContext {
  return {
    location: 'settings',
    user: input.user,
    portal: { id: input.portalId, timezone: input.timezone },
    extension: { appId: input.appId, appName: input.appName },
    variables: {},
  };
}

/** The record as the emulator holds it, or null when it has none (or does not model the object type). */
export async function findRecord(
  control: HubSpotEmulatorControl,
  portalId: number,
  objectTypeId: string,
  objectId: string,
): Promise<RawRecord | null> {
  const type = OBJECT_TYPES[objectTypeId];
  if (!type)
    throw new PreviewInputError(
      `Unknown objectTypeId ${objectTypeId} (0-1 contacts, 0-2 companies, 0-3 deals, 0-5 tickets).`,
      400,
    );
  try {
    return await control.record(portalId, type.objectType, objectId);
  } catch (error) {
    if (error instanceof ControlApiError && (error.status === 404 || error.status === 400)) return null;
    throw error;
  }
}

export async function recordSummary(
  control: HubSpotEmulatorControl,
  portalId: number,
  objectTypeId: string,
  objectId: string,
): Promise<RecordSummary> {
  const record = await findRecord(control, portalId, objectTypeId, objectId);
  const type = OBJECT_TYPES[objectTypeId] ?? { objectType: objectTypeId, singular: 'Record' };
  const properties = record?.properties ?? {};
  return {
    objectTypeId,
    objectType: type.objectType,
    singular: type.singular,
    objectId,
    name: record ? (recordName(type.objectType, properties) ?? `${type.singular} ${objectId}`) : null,
    highlights: record
      ? (HIGHLIGHTS[type.objectType] ?? []).map(([label, name]) => ({ label, value: properties[name] ?? '' }))
      : [],
  };
}
