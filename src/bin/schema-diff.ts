import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  APPROVED_CHANGES_FILE,
  formatSchemaDiffReport,
  reviewSchemaChange,
} from '../graphql/schema-diff.js';

/**
 * The breaking-change guard: diffs schema/schema.graphql in the working tree against the same
 * file at a base commit, prints every change with its criticality, and exits 1 on a breaking
 * change nobody approved (see src/graphql/schema-diff.ts for how to approve one).
 *
 *   npm run schema:diff                  # against HEAD~1, the commit before the one under test
 *   npm run schema:diff -- origin/main   # or SCHEMA_BASE_REF=origin/main npm run schema:diff
 *
 * With no base to compare against (no git, a first commit, a shallow clone without HEAD~1, a
 * base without the file) it says so and passes. A base given explicitly must exist, since a
 * typo there would otherwise pass every check.
 */
const SCHEMA_FILE = 'schema/schema.graphql';
const root = fileURLToPath(new URL('../../', import.meta.url));
const explicitBase =
  process.argv.slice(2).find((arg) => arg !== '--') || process.env.SCHEMA_BASE_REF || null;
const baseRef = explicitBase ?? 'HEAD~1';

/** Standard output of a git command, or null when git is missing or the command fails. */
function git(...args: string[]): string | null {
  try {
    return execFileSync('git', args, {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch {
    return null;
  }
}

function pass(reason: string): never {
  console.log(`Schema diff skipped: ${reason}.`);
  process.exit(0);
}

function readOptional(file: string): string | null {
  try {
    return readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
  } catch {
    return null;
  }
}

if (baseRef.startsWith('-')) {
  console.error(`Schema diff: "${baseRef}" is not a git ref.`);
  process.exit(2);
}
if (git('rev-parse', '--is-inside-work-tree')?.trim() !== 'true') {
  pass('not in a git work tree (or git is not installed), so there is no previous schema');
}
const base = git('rev-parse', '--verify', '--quiet', `${baseRef}^{commit}`)?.trim();
if (!base) {
  if (explicitBase) {
    console.error(
      `Schema diff: base ref "${baseRef}" is not a commit in this clone (fetch it, or unset SCHEMA_BASE_REF).`,
    );
    process.exit(2);
  }
  pass(
    `${baseRef} does not exist (a first commit, or a shallow clone), so there is no previous schema`,
  );
}
const previous = git('show', `${base}:${SCHEMA_FILE}`);
if (previous === null) {
  pass(`${SCHEMA_FILE} did not exist at ${baseRef}`);
}
const current = readOptional(SCHEMA_FILE);
if (current === null) {
  console.error(`Schema diff: ${SCHEMA_FILE} is missing; run \`npm run schema:print\`.`);
  process.exit(2);
}

const report = await reviewSchemaChange(previous, current, {
  commitMessage: git('log', '-1', '--format=%B', 'HEAD') ?? '',
  approvedChanges: readOptional(APPROVED_CHANGES_FILE),
}).catch((error: unknown) => {
  // An SDL that does not parse or build: say which side, without a stack trace.
  console.error(`Schema diff: cannot compare the schemas: ${(error as Error).message}`);
  process.exit(2);
});
console.log(`Schema changes since ${baseRef} (${base.slice(0, 12)}):`);
for (const line of formatSchemaDiffReport(report)) {
  console.log(line);
}
process.exitCode = report.unapproved.length > 0 ? 1 : 0;
