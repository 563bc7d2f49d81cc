import type { z } from 'zod';
import { fieldErrors } from '../api/validation';
import { UsageError } from './command';

/**
 * Validates a command's options with the schema the API validates the same input with; a
 * failure is a UsageError naming each option at fault (`options` maps a field to its option).
 */
export function parseOptions<S extends z.ZodType>(
  schema: S,
  input: Record<string, unknown>,
  options: Record<string, string>,
): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const lines = fieldErrors(result.error).map(
    ({ field, message }) => `${options[field] ? `--${options[field]}` : field}: ${message}`,
  );
  throw new UsageError(lines.join('\n'));
}
