-- Microsoft's settings catalog definitions (display names, options), as Graph returns them with a
-- policy's settings (`$expand=settingDefinitions`). Content-addressed and shared by every policy
-- and tenant: never inside a hashed payload, stored once per distinct content (see
-- SettingDefinition in schema.prisma and src/db/settingDefinitions.ts).

-- CreateTable
CREATE TABLE "setting_definitions" (
    "hash" TEXT NOT NULL,
    "definition_id" TEXT NOT NULL,
    "display_name" TEXT,
    "content" JSONB NOT NULL,
    "size" INTEGER NOT NULL,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "setting_definitions_pkey" PRIMARY KEY ("hash")
);

-- CreateIndex: the newest definition of an id (settingDefinitionNames).
CREATE INDEX "setting_definitions_definition_id_first_seen_at_idx" ON "setting_definitions"("definition_id", "first_seen_at");
