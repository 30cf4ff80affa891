/** A field-level problem, as answered in `error.fields`. */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * The handful of domain errors with stable codes (STYLE.md "Errors"). Domain code throws
 * these; one Nest filter maps them to HTTP, consumers map them to retry or dead letter.
 */
export abstract class DomainError extends Error {
  abstract readonly status: number;
  constructor(
    readonly code: string,
    message: string,
    readonly fields?: FieldError[],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends DomainError {
  readonly status = 400;
  constructor(message: string, fields?: FieldError[], code = 'validation_failed') {
    super(code, message, fields);
  }
}
export class UnauthorizedError extends DomainError {
  readonly status = 401;
  constructor(message = 'Missing or invalid credentials', code = 'unauthorized') {
    super(code, message);
  }
}
export class ForbiddenError extends DomainError {
  readonly status = 403;
  constructor(message: string, code = 'forbidden') {
    super(code, message);
  }
}
export class NotFoundError extends DomainError {
  readonly status = 404;
  constructor(message: string, code = 'not_found') {
    super(code, message);
  }
}
export class ConflictError extends DomainError {
  readonly status = 409;
  constructor(message: string, code = 'conflict') {
    super(code, message);
  }
}
