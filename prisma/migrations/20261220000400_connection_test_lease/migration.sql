-- One connection test per tenant at a time across API replicas (src/db/connectionTestLease.ts):
-- a lease that ends when the test ends, or at its deadline if the replica crashed mid-test.
ALTER TABLE "tenants" ADD COLUMN "connection_test_until" TIMESTAMPTZ(3);
