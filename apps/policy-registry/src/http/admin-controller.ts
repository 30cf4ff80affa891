import { Controller, UseGuards, applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AdminAuthGuard } from '@llmgov/service-kit';

/**
 * A registry admin API: routes under `path`, behind AdminAuthGuard, listed under `tag` in
 * /docs with bearer auth. Every controller of the registry is one.
 */
export const AdminController = (tag: string, path: string): ClassDecorator =>
  applyDecorators(ApiTags(tag), ApiBearerAuth(), UseGuards(AdminAuthGuard), Controller(path));
