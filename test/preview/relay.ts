/**
 * The page's way out: `hubspot.fetch` goes to `POST /preview/api/fetch`, and from there, server side, to the
 * HubSpot emulator's signing proxy, as a card's request goes through HubSpot's. The placeholder origin the
 * app calls (its `permittedUrls.fetch`, e.g. `https://bridge.example.com`) is rewritten to the bridge's real
 * local base URL first, as HubSpot's `local.json` proxy does in `hs project dev`. The emulator's answer
 * (the bridge's status, content type and body, or its own 502/504 when the bridge is down or slow) is
 * streamed back unchanged.
 */
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { pipeline } from 'node:stream/promises';
import express, { type RequestHandler, type Response as ExpressResponse } from 'express';
import { z } from 'zod';
import type { HubSpotEmulatorControl } from '../emulators/hubspot/control/client';
import { findRecord, recordSummary } from './portal';

const FetchRelaySchema = z.object({
  url: z.string().min(1),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
  body: z.record(z.string(), z.unknown()).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  timeout: z.number().int().min(1).optional(),
  portalId: z.number().int(),
  userId: z.number().int(),
});

/** HubSpot's proxy error shape, for failures the preview itself detects before anything is sent. */
function proxyError(res: ExpressResponse, status: number, category: string, message: string): void {
  res.status(status).json({ status: 'error', category, message });
}

export interface FetchRelayOptions {
  control: HubSpotEmulatorControl;
  appId: number;
  bridgeBaseUrl: string;
  /** The origins the app may call (its permittedUrls.fetch), read when a request arrives. */
  permittedOrigins(): string[];
}

/** `https://bridge.example.com/api/x?y` → `<bridgeBaseUrl>/api/x?y`, or a reason it may not be called. */
export function rewriteUrl(
  url: string,
  permittedOrigins: readonly string[],
  bridgeBaseUrl: string,
): { ok: true; url: string } | { ok: false; message: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, message: `hubspot.fetch needs a fully qualified URL, not ${url}` };
  }
  if (parsed.protocol !== 'https:')
    return { ok: false, message: `hubspot.fetch only calls HTTPS URLs, not ${url}` };
  const permitted = permittedOrigins.map((origin) => new URL(origin).origin);
  if (!permitted.includes(parsed.origin)) {
    return {
      ok: false,
      message: `${parsed.origin} is not in the app's permittedUrls.fetch (${permitted.join(', ') || 'none'})`,
    };
  }
  return { ok: true, url: `${bridgeBaseUrl.replace(/\/+$/, '')}${parsed.pathname}${parsed.search}` };
}

export function fetchRelay(options: FetchRelayOptions): RequestHandler[] {
  return [
    express.json({ limit: '1mb' }),
    async (req, res) => {
      const input = FetchRelaySchema.safeParse(req.body);
      if (!input.success) {
        proxyError(res, 400, 'VALIDATION_ERROR', input.error.issues.map((issue) => issue.message).join('; '));
        return;
      }
      const target = rewriteUrl(input.data.url, options.permittedOrigins(), options.bridgeBaseUrl);
      if (!target.ok) {
        proxyError(res, 400, 'VALIDATION_ERROR', target.message);
        return;
      }
      let answer: Response;
      try {
        answer = await options.control.hubspotFetch({
          url: target.url,
          method: input.data.method,
          portalId: input.data.portalId,
          user: input.data.userId,
          appId: options.appId,
          ...(input.data.body !== undefined ? { body: input.data.body } : {}),
          ...(input.data.headers !== undefined ? { headers: input.data.headers } : {}),
          ...(input.data.timeout !== undefined ? { timeout: input.data.timeout } : {}),
        });
      } catch (error) {
        proxyError(
          res,
          502,
          'BAD_GATEWAY',
          `The HubSpot emulator did not answer: ${error instanceof Error ? error.message : String(error)}`,
        );
        return;
      }
      res.status(answer.status);
      for (const header of ['content-type', 'x-hubspot-proxy-attempts']) {
        const value = answer.headers.get(header);
        if (value) res.setHeader(header, value);
      }
      if (!answer.body) {
        res.end();
        return;
      }
      await pipeline(Readable.fromWeb(answer.body as NodeReadableStream<Uint8Array>), res);
    },
  ];
}

const RecordQuerySchema = z.object({
  portalId: z.coerce.number().int(),
  objectTypeId: z.string().regex(/^\d+-\d+$/),
  objectId: z.string().regex(/^\d+$/),
  properties: z.string().default('*'),
});

/**
 * What `fetchCrmObjectProperties` and `useCrmProperties` read: the record's properties from the emulator,
 * as `{data: {name: value | null}}` (or `{error}`), the shape the SDK's hooks expect from HubSpot's host.
 */
export function crmPropertiesHandler(control: HubSpotEmulatorControl): RequestHandler {
  return async (req, res) => {
    const query = RecordQuerySchema.safeParse(req.query);
    if (!query.success) {
      res.status(400).json({ error: query.error.issues.map((issue) => issue.message).join('; ') });
      return;
    }
    const { portalId, objectTypeId, objectId, properties } = query.data;
    const record = await findRecord(control, portalId, objectTypeId, objectId);
    if (!record) {
      res.status(404).json({ error: `No record ${objectTypeId}/${objectId} in portal ${portalId}` });
      return;
    }
    const names = properties === '*' ? Object.keys(record.properties) : properties.split(',').filter(Boolean);
    res.json({ data: Object.fromEntries(names.map((name) => [name, record.properties[name] ?? null])) });
  };
}

/** The record page's summary, read again when an extension calls `refreshObjectProperties`. */
export function recordHandler(control: HubSpotEmulatorControl): RequestHandler {
  return async (req, res) => {
    const query = RecordQuerySchema.safeParse(req.query);
    if (!query.success) {
      res.status(400).json({ error: query.error.issues.map((issue) => issue.message).join('; ') });
      return;
    }
    const { portalId, objectTypeId, objectId } = query.data;
    res.json(await recordSummary(control, portalId, objectTypeId, objectId));
  };
}
