/**
 * Every migration, in order. Listed explicitly (rather than read from the folder) so that the same list
 * runs under tsx, under jest and from a compiled build, on SQLite and on PostgreSQL alike.
 * Add a new migration by creating `YYYYMMDDHHMMSS_what_it_does.ts` here and appending it below.
 */
import type { Knex } from 'knex';
import * as createInstallations from './20261122000100_create_installations';
import * as createOauthStates from './20261122000200_create_oauth_states';
import * as createTokenRefreshLeases from './20261122010000_create_token_refresh_leases';
import * as addInstallationConnectionDetails from './20261122010100_add_installation_connection_details';
import * as addInstallationsPausedByAdmin from './20261122010200_add_installations_paused_by_admin';

export interface Migration {
  name: string;
  up: (knex: Knex) => Promise<void>;
  down: (knex: Knex) => Promise<void>;
}

export const migrations: Migration[] = [
  { name: '20261122000100_create_installations', ...createInstallations },
  { name: '20261122000200_create_oauth_states', ...createOauthStates },
  { name: '20261122010000_create_token_refresh_leases', ...createTokenRefreshLeases },
  { name: '20261122010100_add_installation_connection_details', ...addInstallationConnectionDetails },
  { name: '20261122010200_add_installations_paused_by_admin', ...addInstallationsPausedByAdmin },
];
