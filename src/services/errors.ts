// Domain errors. Services throw these; the API's error middleware maps each to one
// problem+json status, so route handlers never choose status codes for failures.

export class DomainError extends Error {
  constructor(
    message: string,
    /** Stable machine-readable code, e.g. `run_in_progress`. */
    readonly code: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  constructor(readonly resource: string) {
    super(`${resource} not found`, 'not_found');
  }
}

export class ConflictError extends DomainError {
  constructor(
    message: string,
    code: string,
    readonly field?: string,
  ) {
    super(message, code);
  }
}

/** A run of the schedule is queued or running already: the answer names it, to follow or cancel. */
export class RunInProgressError extends ConflictError {
  constructor(readonly runId: string) {
    super(`run ${runId} of this schedule is already in progress`, 'run_in_progress');
  }
}

/** Input that is well-formed but refused by a rule the service checks (422, naming each field). */
export class InvalidFieldsError extends DomainError {
  constructor(readonly errors: { field: string; message: string }[]) {
    super(errors.map((error) => `${error.field}: ${error.message}`).join('; '), 'validation_failed');
  }
}

/** One field refused (the API answers 422 naming it). */
export class InvalidInputError extends InvalidFieldsError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super([{ field, message }]);
    this.message = message;
  }
}

/** A dependency (Temporal) refused or could not be reached; the request may be retried. */
export class UnavailableError extends DomainError {}
