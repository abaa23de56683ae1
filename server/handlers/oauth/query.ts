/** The query of an OAuth callback, as both HubSpot and Salesforce send it; anything else is ignored. */
import type { Request, Response } from 'express';
import { z } from 'zod';
import { HUBSPOT_INSTALL_PATH } from '../../../src/auth/bridgeContext';
import { errorPage } from '../../pages/oauth-pages';

export const CallbackQuery = z
  .object({
    code: z.string().min(1).max(4096).optional(),
    state: z.string().min(1).max(512).optional(),
    error: z.string().max(200).optional(),
    error_description: z.string().max(2000).optional(),
  })
  .loose();
export type CallbackQuery = z.infer<typeof CallbackQuery>;

/** Parses the query or answers with a page saying the link is malformed; null means answered. */
export function parseQuery<T>(schema: z.ZodType<T>, req: Request, res: Response): T | null {
  const parsed = schema.safeParse(req.query);
  if (parsed.success) return parsed.data;
  res
    .status(400)
    .type('html')
    .send(
      errorPage({
        title: 'This link is malformed',
        whatHappened: `The address is missing something or has it twice: ${parsed.error.issues.map((issue) => issue.path.join('.') || 'query').join(', ')}.`,
        whatToDo: 'Start again from the button below rather than from a copied or edited address.',
        retry: [{ label: 'Start again', href: HUBSPOT_INSTALL_PATH }],
      }),
    );
  return null;
}
