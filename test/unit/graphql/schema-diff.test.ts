import { describe, expect, it } from 'vitest';
import {
  APPROVAL_MARKER,
  formatSchemaDiffReport,
  parseApprovedChanges,
  reviewSchemaChange,
} from '../../../src/graphql/schema-diff.js';

const BEFORE = /* GraphQL */ `
  type Room {
    id: ID!
    name: String!
    region: String
  }

  enum RoomStatus {
    ACTIVE
    DISABLED
  }

  type Query {
    room(id: ID!): Room
    status: RoomStatus!
  }
`;

const WITHOUT_REGION = BEFORE.replace('region: String', '');
const NO_APPROVALS = { commitMessage: 'Tidy the room type', approvedChanges: null };

describe('reviewSchemaChange', () => {
  it('fails on a removed field, naming it as breaking', async () => {
    const report = await reviewSchemaChange(BEFORE, WITHOUT_REGION, NO_APPROVALS);

    expect(report.unapproved.map((change) => [change.path, change.criticality.level])).toEqual([
      ['Room.region', 'BREAKING'],
    ]);
    expect(formatSchemaDiffReport(report)).toEqual([
      "BREAKING     Room.region: Field 'region' was removed from object type 'Room'",
      '',
      'Schema changes: 1 (1 breaking, 0 dangerous, 0 non-breaking).',
      expect.stringContaining('Not approved: 1 breaking.'),
    ]);
  });

  it('passes an added optional field and an added optional argument', async () => {
    // graphql-inspector rates a new optional argument on an existing field DANGEROUS: reported,
    // never failing.
    const after = BEFORE.replace('region: String', 'region: String\n    topic: String').replace(
      'room(id: ID!): Room',
      'room(id: ID!, provider: String): Room',
    );

    const report = await reviewSchemaChange(BEFORE, after, NO_APPROVALS);

    expect(report.unapproved).toEqual([]);
    expect(report.changes.map(({ change }) => [change.path, change.criticality.level])).toEqual(
      expect.arrayContaining([
        ['Room.topic', 'NON_BREAKING'],
        ['Query.room.provider', 'DANGEROUS'],
      ]),
    );
  });

  it('fails on a required argument added to a field, and on a field made nullable', async () => {
    const after = BEFORE.replace(
      'room(id: ID!): Room',
      'room(id: ID!, provider: String!): Room',
    ).replace('name: String!', 'name: String');

    const report = await reviewSchemaChange(BEFORE, after, NO_APPROVALS);

    expect(report.unapproved.map((change) => change.path).sort()).toEqual([
      'Query.room.provider',
      'Room.name',
    ]);
  });

  it('passes a dangerous change but still prints it', async () => {
    const after = BEFORE.replace('DISABLED', 'DISABLED\n    ENDED');

    const report = await reviewSchemaChange(BEFORE, after, NO_APPROVALS);

    expect(report.unapproved).toEqual([]);
    expect(formatSchemaDiffReport(report)[0]).toBe(
      "DANGEROUS    RoomStatus.ENDED: Enum value 'ENDED' was added to enum 'RoomStatus'",
    );
  });

  it('lets every breaking change pass when the commit message approves them', async () => {
    const report = await reviewSchemaChange(BEFORE, WITHOUT_REGION.replace('name: String!', ''), {
      commitMessage: `Drop Room.region and Room.name\n\nNo client reads them. ${APPROVAL_MARKER}`,
      approvedChanges: null,
    });

    expect(report.unapproved).toEqual([]);
    expect(report.changes.map(({ approvedBy }) => approvedBy)).toEqual([
      'commit message',
      'commit message',
    ]);
    expect(formatSchemaDiffReport(report)[0]).toContain('(approved by the commit message)');
  });

  it('lets a breaking change pass when the approved-changes file names its path or message', async () => {
    const byPath = await reviewSchemaChange(BEFORE, WITHOUT_REGION, {
      ...NO_APPROVALS,
      approvedChanges: '# Room.region moved to settings; see the changelog.\n\nRoom.region\n',
    });
    const byMessage = await reviewSchemaChange(BEFORE, WITHOUT_REGION, {
      ...NO_APPROVALS,
      approvedChanges: "Field 'region' was removed from object type 'Room'\r\n",
    });

    expect(byPath.unapproved).toEqual([]);
    expect(byMessage.unapproved).toEqual([]);
    expect(byPath.changes[0]?.approvedBy).toBe('approved-changes file');
  });

  it('still fails a breaking change the approved-changes file does not name', async () => {
    const after = WITHOUT_REGION.replace('name: String!', '');

    const report = await reviewSchemaChange(BEFORE, after, {
      commitMessage: 'schema-breaking-approved, but not in brackets',
      approvedChanges: 'Room.region\n# Room.name\nRoom',
    });

    expect(report.unapproved.map((change) => change.path)).toEqual(['Room.name']);
  });

  it('reports no changes for the same schema', async () => {
    const report = await reviewSchemaChange(BEFORE, BEFORE, NO_APPROVALS);

    expect(report).toEqual({ changes: [], unapproved: [] });
    expect(formatSchemaDiffReport(report)).toEqual(['No schema changes.']);
  });
});

describe('parseApprovedChanges', () => {
  it('reads one entry a line, ignoring blank lines, comments and surrounding spaces', () => {
    expect(parseApprovedChanges('  Room.region  \n\n# why: moved\r\nQuery.rooms.first\n')).toEqual(
      new Set(['Room.region', 'Query.rooms.first']),
    );
  });
});
