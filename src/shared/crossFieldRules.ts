// zod skips an object's refinements once a field failed with a wrong type, an unknown key or a
// value outside its enum, so a client fixing those would meet the cross-field errors in a second
// round. With `alongFieldErrors` a refinement runs on
// whatever object arrived, and its issues come in the same response as the field errors. Such a
// rule reads its fields defensively: a field that failed still holds the value as sent.

type Payload = { value: unknown };

export const isJsonObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Options for `.refine`/`.superRefine` on an object: run even when fields failed. */
export const alongFieldErrors = { when: (payload: Payload) => isJsonObject(payload.value) };
