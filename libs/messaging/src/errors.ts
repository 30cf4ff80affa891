import type { z } from 'zod';

/**
 * An event does not match its topic's schema. Thrown by `publish` before anything is
 * sent, so a wrong payload never reaches a consumer.
 */
export class EventValidationError extends Error {
  readonly code = 'invalid_event';
  constructor(
    readonly topic: string,
    readonly issues: z.core.$ZodIssue[],
  ) {
    super(
      `event does not match the schema of topic ${topic}: ${issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    );
    this.name = 'EventValidationError';
  }
}
