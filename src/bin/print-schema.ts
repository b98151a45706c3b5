import { readFileSync, writeFileSync } from 'node:fs';
import { printSchema } from 'graphql';
import { schema } from '../graphql/schema.js';

/** Prints the sorted SDL to schema/schema.graphql; with --check, fails when the file differs. */
const target = new URL('../../schema/schema.graphql', import.meta.url);
const printed = `${printSchema(schema)}\n`;

if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(target, 'utf8');
  } catch {
    // a missing file differs like any other
  }
  if (committed !== printed) {
    console.error(
      'schema/schema.graphql is out of date: run `npm run schema:print` and commit it.',
    );
    process.exit(1);
  }
  console.log('schema/schema.graphql matches the code.');
} else {
  writeFileSync(target, printed);
  console.log('Wrote schema/schema.graphql');
}
