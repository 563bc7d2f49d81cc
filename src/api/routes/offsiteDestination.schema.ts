// The PUT body of a tenant's offsite destination: src/export/offsite/destination.ts is its
// schema (the stores read the same settings), here with the examples the reference shows.
import { offsiteDestinationBody } from '../../export/offsite/destination';

export const putOffsiteDestinationBody = offsiteDestinationBody.meta({
  examples: [
    {
      kind: 'azure_blob',
      container: 'tenantvault-offsite',
      accountUrl: 'https://contosobackups.blob.core.windows.net',
      sasToken: 'sv=2024-11-04&ss=b&srt=co&sp=cwr&se=2027-12-31T00:00:00Z&sig=…',
      prefix: 'tenantvault/',
      immutabilityDays: 90,
    },
    {
      kind: 's3',
      bucket: 'contoso-backups',
      region: 'eu-west-1',
      accessKeyId: 'AKIA…',
      secretAccessKey: '…',
      prefix: 'tenantvault/',
      immutabilityDays: 30,
    },
  ],
});
