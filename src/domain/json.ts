import { z } from 'zod';

/** A JSON value as stored in shadows, conflicts, audit and failure columns. */
export const JsonValueSchema = z.json();
export type JsonValue = z.infer<typeof JsonValueSchema>;
