import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DomainError } from './domain-errors';

/**
 * Maps domain errors (and Nest's own HTTP exceptions) to the admin error body of
 * CONTRACT.md §4: `{"success": false, "error": {"code", "message", "fields"?}}`.
 * Unknown errors answer 500 without their message (it may hold internals).
 */
@Catch()
export class DomainErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('DomainErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, body } = toErrorBody(exception);
    if (status >= 500)
      this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    void reply.status(status).send(body);
  }
}

export function toErrorBody(exception: unknown): {
  status: number;
  body: { success: false; error: { code: string; message: string; fields?: unknown } };
} {
  if (exception instanceof DomainError) {
    const error = {
      code: exception.code,
      message: exception.message,
      ...(exception.fields ? { fields: exception.fields } : {}),
    };
    return { status: exception.status, body: { success: false, error } };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const res = exception.getResponse();
    const message =
      typeof res === 'string' ? res : ((res as { message?: unknown }).message ?? exception.message);
    const code = status === 404 ? 'not_found' : status === 400 ? 'bad_request' : `http_${status}`;
    return {
      status,
      body: {
        success: false,
        error: { code, message: Array.isArray(message) ? message.join('; ') : String(message) },
      },
    };
  }
  const fastifyStatus = (exception as { statusCode?: number })?.statusCode;
  if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
    const message = (exception as Error).message;
    return {
      status: fastifyStatus,
      body: {
        success: false,
        error: { code: fastifyStatus === 413 ? 'body_too_large' : 'bad_request', message },
      },
    };
  }
  return {
    status: 500,
    body: { success: false, error: { code: 'internal', message: 'Internal error' } },
  };
}
