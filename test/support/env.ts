// Integration tests run inside `npm test`, which starts PostgreSQL and Temporal and passes
// their addresses here. Failing loudly beats skipping: a test that silently did not run
// proves nothing.
export function testEnv() {
  const get = (name: string) => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set: run integration tests through \`npm test\``);
    return value;
  };
  return {
    databaseUrl: get('DATABASE_URL'),
    temporalAddress: get('TEMPORAL_ADDRESS'),
    namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
    bundlePath: get('WORKFLOW_BUNDLE_PATH'),
    temporalCli: get('TEMPORAL_CLI_PATH'),
    /** Azurite's blob service, started by `npm test` (src/devstack/azurite.ts). */
    azuriteBlobEndpoint: get('AZURITE_BLOB_ENDPOINT'),
    azuriteConnectionString: get('AZURITE_CONNECTION_STRING'),
    /** The CA of Azurite's certificate (and of s3rver's in tests that start one). */
    offsiteCaFile: get('OFFSITE_CA_FILE'),
  };
}
