-- Intune setting values that Intune stores encrypted (encrypted OMA-URI values), read with the
-- tenant's write permission: payloads hold a fingerprint, the value is kept here encrypted (see
-- EncryptedSettingValue in schema.prisma and src/secrets/settingValues.ts).

-- CreateTable
CREATE TABLE "encrypted_setting_values" (
    "tenant_id" UUID NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "ciphertext" TEXT NOT NULL,
    "key_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "encrypted_setting_values_pkey" PRIMARY KEY ("tenant_id","fingerprint")
);

-- AddForeignKey
ALTER TABLE "encrypted_setting_values" ADD CONSTRAINT "encrypted_setting_values_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
