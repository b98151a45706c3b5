import { readFileSync, writeFileSync } from 'node:fs';
import { printSchema } from 'graphql';
import { schema, subgraphSdl } from '../graphql/schema.js';

/**
 * Prints the sorted SDL to schema/schema.graphql and the federation subgraph SDL (with `@key`
 * and `@link`) to schema/subgraph.graphql; with --check, fails when either file differs.
 */
const outputs = [
  { file: 'schema/schema.graphql', printed: `${printSchema(schema)}\n` },
  { file: 'schema/subgraph.graphql', printed: `${subgraphSdl}\n` },
];

function read(file: string): string {
  try {
    return readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
  } catch {
    // a missing file differs like any other
    return '';
  }
}

if (process.argv.includes('--check')) {
  const stale = outputs.filter(({ file, printed }) => read(file) !== printed);
  for (const { file } of stale) {
    console.error(`${file} is out of date: run \`npm run schema:print\` and commit it.`);
  }
  if (stale.length > 0) {
    process.exit(1);
  }
  console.log(`${outputs.map(({ file }) => file).join(' and ')} match the code.`);
} else {
  for (const { file, printed } of outputs) {
    writeFileSync(new URL(`../../${file}`, import.meta.url), printed);
    console.log(`Wrote ${file}`);
  }
}
