/** Why a stored secret cannot be read. The message names the tenant and key id, nothing secret. */
export class SecretUndecryptableError extends Error {
  override readonly name = 'SecretUndecryptableError';
  readonly code = 'secret_undecryptable';
}
