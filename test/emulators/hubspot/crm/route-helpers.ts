/** Shared pieces of the CRM route handlers: object types from paths, scopes, input validation. */
import type { z } from 'zod';
import { errors } from '../http/errors';
import type { RequestContext } from '../http/router';
import type { EmulatorState } from '../state/emulator-state';
import type { Portal } from '../state/portal';
import { resolveObjectType, type ObjectType } from './object-types';
import type { WriteContext } from './records';

export function objectTypeOf(ctx: RequestContext, param = 'objectType'): ObjectType {
  const raw = ctx.params[param] ?? '';
  const type = resolveObjectType(raw);
  if (!type) throw errors.validation(`Unable to infer object type from: ${raw}`);
  return type;
}

/** Route scope function: `crm.objects.<type>.<access>` for the type in the path. */
export function objectScopes(access: 'read' | 'write', param = 'objectType') {
  return (ctx: RequestContext): string[] => {
    const type = resolveObjectType(ctx.params[param] ?? '');
    return type ? [`crm.objects.${type}.${access}`] : [];
  };
}

export function parseInput<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const detail = result.error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'body'}: ${issue.message}`)
    .join('; ');
  throw errors.validation(`Invalid input JSON: ${detail}`);
}

export function portalOf(ctx: RequestContext): Portal {
  if (!ctx.portal) throw errors.missingAuthentication();
  return ctx.portal;
}

/** A write made with the caller's access token: an INTEGRATION change by that app. */
export function appWriteContext(state: EmulatorState, ctx: RequestContext): WriteContext {
  const portal = portalOf(ctx);
  return state.writeContext(portal, state.actorForApp(ctx.grant?.appId ?? 0));
}

/** The absolute URL of a path on this server, for `paging.next.link`. */
export function linkTo(ctx: RequestContext, path: string, query: URLSearchParams): string {
  const url = new URL(path, `http://${ctx.req.headers.host ?? '127.0.0.1'}`);
  url.search = query.toString();
  return url.toString();
}
