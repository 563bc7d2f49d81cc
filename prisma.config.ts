// Prisma CLI configuration. The schema engine runs as WebAssembly through the pg
// driver adapter, so `prisma migrate deploy` needs no native binary download.
import { PrismaPg } from '@prisma/adapter-pg';
import { defineConfig } from 'prisma/config';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'prisma/schema.prisma',
  // Must not throw when DATABASE_URL is unset: `prisma generate` never connects, but
  // a failing adapter factory makes the CLI fall back to downloading native engines.
  adapter: async () =>
    new PrismaPg({ connectionString: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/tenantvault' }),
});
