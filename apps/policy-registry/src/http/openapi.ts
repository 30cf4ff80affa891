import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { z } from 'zod';

/**
 * A request body's zod schema as the JSON Schema /docs shows (`z.toJSONSchema`): the schema
 * that validates the body is the one documented, so the two cannot drift.
 */
export function jsonSchema(schema: z.ZodType): SchemaObject {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  return rest as SchemaObject;
}
