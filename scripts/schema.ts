// npm run schema: writes the stack files' JSON Schema (components/config/jsonSchema.ts) to
// schema/stack.schema.json; test/stackSchema.test.ts fails while the checked-in copy is stale.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { STACK_SCHEMA_PATH, stackFileSchemaText } from "../components/config/jsonSchema";

const file = path.join(__dirname, "..", STACK_SCHEMA_PATH);
mkdirSync(path.dirname(file), { recursive: true });
writeFileSync(file, stackFileSchemaText());
console.log(`wrote ${STACK_SCHEMA_PATH}`);
