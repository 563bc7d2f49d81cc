// Connections to Temporal, local dev server or remote cluster / Temporal Cloud alike:
// mTLS client certificate or API key, both from configuration.
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import { NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';
import { readOptionalFile, type TemporalConfig } from '../config/env';

function connectionOptions(config: TemporalConfig): ConnectionOptions & NativeConnectionOptions {
  const cert = readOptionalFile(config.TEMPORAL_TLS_CERT_FILE);
  const key = readOptionalFile(config.TEMPORAL_TLS_KEY_FILE);
  const ca = readOptionalFile(config.TEMPORAL_TLS_CA_FILE);
  const useTls = Boolean(cert || ca || config.TEMPORAL_API_KEY);
  return {
    address: config.TEMPORAL_ADDRESS,
    ...(config.TEMPORAL_API_KEY ? { apiKey: config.TEMPORAL_API_KEY } : {}),
    ...(useTls
      ? {
          tls: {
            ...(config.TEMPORAL_TLS_SERVER_NAME
              ? { serverNameOverride: config.TEMPORAL_TLS_SERVER_NAME }
              : {}),
            ...(ca ? { serverRootCACertificate: ca } : {}),
            ...(cert && key ? { clientCertPair: { crt: cert, key } } : {}),
          },
        }
      : {}),
  };
}

/**
 * A client whose connection is made on first use, so the API starts (and answers, with
 * schedules left `pending` for the reconciler) while Temporal is unreachable.
 */
export function createLazyTemporalClient(config: TemporalConfig): Client {
  const connection = Connection.lazy(connectionOptions(config));
  return new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
}

export function connectWorkerConnection(config: TemporalConfig): Promise<NativeConnection> {
  return NativeConnection.connect(connectionOptions(config));
}
