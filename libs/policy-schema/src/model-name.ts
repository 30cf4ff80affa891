import { z } from 'zod';
import { resolveModel } from './catalogue';

/**
 * A model name in a policy: a catalogue id (`gpt-4o`) or any `provider/model`
 * (`groq/llama-3.1-8b-instant`). A bare name the catalogue does not know is refused (400),
 * because a typo in an allowlist would silently allow nothing or the wrong thing; models
 * outside the catalogue are named with their provider prefix.
 */
export const modelName = z
  .string()
  .min(1)
  .refine((name) => resolveModel(name) !== null, {
    error: (issue) =>
      `unknown model '${String(issue.input)}': use a catalogue name or the provider/model form`,
  });
