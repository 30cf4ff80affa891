import { Controller, HttpCode, Post, UseGuards, applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { AdminAuthGuard, Roles } from '@llmgov/service-kit';
import { jsonSchema } from './openapi';

/**
 * A registry admin API: routes under `path`, behind AdminAuthGuard, listed under `tag` in
 * /docs with bearer auth. Every controller of the registry is one.
 */
export const AdminController = (tag: string, path: string): ClassDecorator =>
  applyDecorators(ApiTags(tag), ApiBearerAuth(), UseGuards(AdminAuthGuard), Controller(path));

/**
 * An owner's or admin's action on something that exists (`POST <path>`, answered 200 as it
 * creates nothing), its body validated by `body`, which /docs shows.
 */
export const AdminAction = (path: string, body?: z.ZodType): MethodDecorator =>
  applyDecorators(
    Post(path),
    HttpCode(200),
    Roles('owner', 'admin'),
    ...(body ? [ApiBody({ schema: jsonSchema(body) })] : []),
  );
