import type { z } from 'zod';
import {
  isRefused,
  refuse,
  type Refusal,
  type RefusalKind,
  type Refused,
} from '@llmgov/eventstore';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
  type DomainError,
} from './domain-errors';
import { fieldErrors } from './zod-errors';

/** A decider's refusal as the domain error the HTTP filter answers (400, 404, 409, 403). */
export function refusalError(refusal: Refusal<RefusalKind>): DomainError {
  switch (refusal.kind) {
    case 'invalid':
      return new ValidationError(refusal.message, refusal.fields, refusal.code);
    case 'not_found':
      return new NotFoundError(refusal.message, refusal.code);
    case 'conflict':
      return new ConflictError(refusal.message, refusal.code);
    case 'forbidden':
      return new ForbiddenError(refusal.message, refusal.code);
    default: {
      const never: never = refusal.kind;
      throw new Error(`unhandled refusal ${String(never)}`);
    }
  }
}

/** `parseOrThrow` for deciders: the parsed value, or a refusal naming every bad field. */
export function parseOrRefuse<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what = 'request body',
): z.infer<S> | Refused {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields = fieldErrors(result.error);
  return refuse(
    'invalid',
    'validation_failed',
    `Invalid ${what}: ${fields.map((f) => `${f.field}: ${f.message}`).join('; ')}`,
    fields,
  );
}

/** The value of a check, or its refusal thrown as the domain error (for read routes). */
export function unwrap<T>(value: T | Refused): T {
  if (isRefused(value)) throw refusalError(value.refusal);
  return value;
}
