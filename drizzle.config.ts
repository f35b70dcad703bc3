import { defineConfig } from 'drizzle-kit'

// drizzle-kit generate/check need no database: they diff src/db/schema.ts against drizzle/.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './drizzle',
  strict: true,
})
