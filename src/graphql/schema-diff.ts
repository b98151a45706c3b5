import { type Change, CriticalityLevel, diff } from '@graphql-inspector/core';
import { buildSchema } from 'graphql';

/** A commit whose message holds this may break the schema on purpose. */
export const APPROVAL_MARKER = '[schema-breaking-approved]';

/** Where single breaking changes are approved, one `change.path` or message a line. */
export const APPROVED_CHANGES_FILE = 'schema/approved-breaking-changes.txt';

export interface SchemaApprovals {
  /** The message of the commit being checked. */
  readonly commitMessage: string;
  /** The text of the approved-changes file; null when there is none. */
  readonly approvedChanges: string | null;
}

export type Approval = 'commit message' | 'approved-changes file';

export interface ReviewedChange {
  readonly change: Change;
  /** How a breaking change was approved; null when it was not, or needs no approval. */
  readonly approvedBy: Approval | null;
}

export interface SchemaDiffReport {
  readonly changes: readonly ReviewedChange[];
  /** Breaking changes nobody approved: the check fails when there is any. */
  readonly unapproved: readonly Change[];
}

/** The non-blank, non-`#` lines of the approved-changes file, trimmed. */
export function parseApprovedChanges(text: string): Set<string> {
  return new Set(
    text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#')),
  );
}

/**
 * Diffs two SDL texts and decides, for each breaking change, whether it was approved: by the
 * marker in the commit message (all of them), or by a line of the approved-changes file naming
 * the change's path (e.g. `Room.name`) or its exact message.
 */
export async function reviewSchemaChange(
  previousSdl: string,
  currentSdl: string,
  approvals: SchemaApprovals,
): Promise<SchemaDiffReport> {
  const changes = await diff(buildSchema(previousSdl), buildSchema(currentSdl));
  const approvedByMessage = approvals.commitMessage.includes(APPROVAL_MARKER);
  const approvedLines = parseApprovedChanges(approvals.approvedChanges ?? '');
  const reviewed = changes.map((change): ReviewedChange => {
    if (!isBreaking(change)) {
      return { change, approvedBy: null };
    }
    if (approvedByMessage) {
      return { change, approvedBy: 'commit message' };
    }
    const listed =
      (change.path !== undefined && approvedLines.has(change.path)) ||
      approvedLines.has(change.message);
    return { change, approvedBy: listed ? 'approved-changes file' : null };
  });
  return {
    changes: reviewed,
    unapproved: reviewed
      .filter(({ change, approvedBy }) => isBreaking(change) && approvedBy === null)
      .map(({ change }) => change),
  };
}

function isBreaking(change: Change): boolean {
  return change.criticality.level === CriticalityLevel.Breaking;
}

/** One line per change, with its criticality, then a verdict and how to approve a failure. */
export function formatSchemaDiffReport(report: SchemaDiffReport): string[] {
  if (report.changes.length === 0) {
    return ['No schema changes.'];
  }
  const lines = report.changes.map(({ change, approvedBy }) => {
    const where = change.path ? `${change.path}: ` : '';
    const approval = approvedBy ? ` (approved by the ${approvedBy})` : '';
    return `${change.criticality.level.padEnd(12)} ${where}${change.message}${approval}`;
  });
  const count = (level: CriticalityLevel) =>
    report.changes.filter(({ change }) => change.criticality.level === level).length;
  lines.push(
    '',
    `Schema changes: ${report.changes.length} (${count(CriticalityLevel.Breaking)} breaking, ` +
      `${count(CriticalityLevel.Dangerous)} dangerous, ${count(CriticalityLevel.NonBreaking)} non-breaking).`,
  );
  if (report.unapproved.length > 0) {
    lines.push(
      `Not approved: ${report.unapproved.length} breaking. Clients may depend on what they ` +
        `break: keep the old shape (deprecate instead), or approve them by putting ${APPROVAL_MARKER} ` +
        `in the commit message or each change's path on its own line in ${APPROVED_CHANGES_FILE}.`,
    );
  }
  return lines;
}
