/**
 * What any error thrown by a call to either system means, as one `CallFailure`: the connectors' own errors
 * (HubSpotError, SalesforceCallError), a deadline (CallTimeout) and the call gate's refusal
 * (BudgetExhausted). Anything else was not expected of a call (a bug, an SDK surprise): category `unknown`,
 * retried a bounded number of times like every unknown failure.
 */
import { makeCallFailure, type CallFailure } from '../domain/failures';
import { budgetCallFailure, isBudgetExhausted } from './gate';
import { HubSpotError, hubspotCallFailure } from './hubspot/errors';
import { SalesforceCallError, salesforceCallFailure } from './salesforce/errors';
import { CallTimeout, timeoutCallFailure } from './timeout';

export function callFailureOf(error: unknown): CallFailure {
  if (isBudgetExhausted(error)) return budgetCallFailure(error);
  if (error instanceof HubSpotError) return hubspotCallFailure(error);
  if (error instanceof SalesforceCallError) return salesforceCallFailure(error);
  if (error instanceof CallTimeout) return timeoutCallFailure(error);
  return makeCallFailure({
    side: null,
    category: 'unknown',
    code: 'unexpected_error',
    message: error instanceof Error ? error.message : String(error),
  });
}
