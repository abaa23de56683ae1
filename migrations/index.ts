/**
 * Every migration, in order. Listed explicitly (rather than read from the folder) so that the same list
 * runs under tsx, under jest and from a compiled build, on SQLite and on PostgreSQL alike.
 * Add a new migration by creating `YYYYMMDDHHMMSS_what_it_does.ts` here and appending it below.
 */
import type { Knex } from 'knex';
import * as createInstallations from './20261122000100_create_installations';
import * as createOauthStates from './20261122000200_create_oauth_states';

export interface Migration {
  name: string;
  up: (knex: Knex) => Promise<void>;
  down: (knex: Knex) => Promise<void>;
}

export const migrations: Migration[] = [
  { name: '20261122000100_create_installations', ...createInstallations },
  { name: '20261122000200_create_oauth_states', ...createOauthStates },
];
