// What a store's failure means to the copy: a refusal no retry can fix (bad credentials, no such
// container or bucket, an endpoint the guard refuses) or anything else, which is retried.
// Messages are written here from status codes and service error codes only: the SDKs' own errors
// carry request URLs, and a SAS token travels in the URL.

/** A refusal no retry can fix; `code` is stable (e.g. `forbidden`, `container_not_found`). */
export class OffsiteRefusedError extends Error {
  override readonly name = 'OffsiteRefusedError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A failure a later attempt may not meet (the service busy, the network down): retry. */
export class OffsiteUnavailableError extends Error {
  override readonly name = 'OffsiteUnavailableError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ServiceFailure {
  /** HTTP status the service answered; undefined when no answer came. */
  status: number | undefined;
  /** The service's error code (Azure's x-ms-error-code, S3's Code), when it gave one. */
  serviceCode: string | undefined;
  /** For failures without an answer: the Node error code (ECONNREFUSED…) or error name. */
  networkCode: string | undefined;
}

/** Service error codes that mean the destination's configuration is wrong, whatever the status. */
const REFUSAL_CODES: Record<string, string> = {
  ContainerNotFound: 'container_not_found',
  NoSuchBucket: 'bucket_not_found',
  AuthenticationFailed: 'bad_credentials',
  InvalidAccessKeyId: 'bad_credentials',
  SignatureDoesNotMatch: 'bad_credentials',
  AccountIsDisabled: 'forbidden',
  AuthorizationPermissionMismatch: 'forbidden',
  AuthorizationFailure: 'forbidden',
  AccessDenied: 'forbidden',
  InvalidBucketName: 'bucket_not_found',
  InvalidBucketState: 'bucket_not_configured',
};

const REFUSAL_STATUSES: Record<number, string> = { 401: 'unauthorized', 403: 'forbidden' };

/**
 * Client errors a later attempt may not meet (a timeout, a conflict being resolved, a lock,
 * throttling). Any other 4xx says the request itself is wrong (400 for a lock on a bucket without
 * Object Lock, 413, 405): the same request again gets the same answer, so it is refused.
 */
const RETRYABLE_CLIENT_STATUSES = new Set([408, 409, 423, 425, 429]);
const isRejectedRequest = (status: number) =>
  status >= 400 && status < 500 && !RETRYABLE_CLIENT_STATUSES.has(status);

/** The error to throw for a failed call to `service` (named in the message, with its answer). */
export function classifyFailure(
  service: string,
  failure: ServiceFailure,
): OffsiteRefusedError | OffsiteUnavailableError {
  const { status, serviceCode, networkCode } = failure;
  const answered =
    status === undefined
      ? `could not be reached (${networkCode ?? 'network error'})`
      : `answered ${status}${serviceCode ? ` (${serviceCode})` : ''}`;
  const refusal =
    (serviceCode && REFUSAL_CODES[serviceCode]) ||
    (status !== undefined ? REFUSAL_STATUSES[status] : undefined) ||
    (networkCode === 'ERR_OUTBOUND_REFUSED' ? 'endpoint_refused' : undefined) ||
    (status !== undefined && isRejectedRequest(status) ? 'request_rejected' : undefined);
  if (refusal) return new OffsiteRefusedError(refusal, `${service} ${answered}`);
  return new OffsiteUnavailableError(
    status === undefined ? 'unreachable' : `status_${status}`,
    `${service} ${answered}`,
  );
}
