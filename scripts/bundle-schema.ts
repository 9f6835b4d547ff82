// Writes docs/bundle.schema.json from the zod schema of the bundle (npm run bundle:schema), so the
// documented JSON Schema never drifts from what the import accepts; a test fails when it is stale.
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { zodToJsonSchema } from 'zod-to-json-schema'
import { BUNDLE_SCHEMA_DEFINITIONS, bundleSchema } from '../app/services/bundle-schema'

export const BUNDLE_SCHEMA_FILE = path.join('docs', 'bundle.schema.json')

/** The JSON Schema text exactly as committed (two-space indent, trailing newline). */
export function bundleJsonSchemaText(): string {
  const generated = zodToJsonSchema(bundleSchema, { definitions: BUNDLE_SCHEMA_DEFINITIONS, $refStrategy: 'root', target: 'jsonSchema7' })
  const schema = { title: 'EvalDesk 评价项目数据包（evaldesk.bundle/1）', ...generated }
  return `${JSON.stringify(schema, null, 2)}\n`
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  fs.writeFileSync(BUNDLE_SCHEMA_FILE, bundleJsonSchemaText())
  console.log(`已生成 ${BUNDLE_SCHEMA_FILE}`)
}
