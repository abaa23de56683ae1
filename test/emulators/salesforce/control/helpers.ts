/** Shared pieces of the control API handlers: errors, body parsing, org/user/id parameters. */

import type { z } from 'zod';
import { normalizeId } from '../core/ids';
import type { Org } from '../core/org';
import type { WriteContext } from '../data/dml';
import type { RequestContext } from '../http/context';

export class ControlError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export function parseBody<T extends z.ZodType>(ctx: RequestContext, schema: T): z.output<T> {
  const text = ctx.body.toString('utf8');
  let raw: unknown = undefined;
  if (text.trim() !== '') {
    try {
      raw = JSON.parse(text);
    } catch {
      throw new ControlError(400, 'invalid_json', 'The body is not valid JSON');
    }
  }
  return schema.parse(raw ?? {});
}

export function orgParam(ctx: RequestContext): Org {
  const ref = ctx.params.org ?? '';
  const org = ctx.state.findOrg(ref);
  if (!org) throw new ControlError(404, 'org_not_found', `No org named or with id ${ref}`);
  return org;
}

/** A write attributed to a named User of the org (default: its sales rep). */
export function actingAs(ctx: RequestContext, org: Org, username: string | undefined): WriteContext {
  let actorId: string;
  if (username) {
    const found = ctx.state.userByUsername(username);
    if (!found || found.org !== org)
      throw new ControlError(404, 'user_not_found', `${username} is not a user of ${org.name}`);
    actorId = found.userId;
  } else actorId = ctx.state.userIdWithRole(org, 'rep');
  const nowMs = ctx.state.nowMs();
  return { org, actorId, nowMs: nowMs - (nowMs % 1000), ids: ctx.state.ids };
}

export function idParam(ctx: RequestContext, name = 'id'): string {
  const id = normalizeId(ctx.params[name] ?? '');
  if (!id) throw new ControlError(400, 'malformed_id', `${ctx.params[name] ?? ''} is not a Salesforce id`);
  return id;
}
