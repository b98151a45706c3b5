/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type CreateRoomInput = {
  description?: string | null | undefined;
  displayName?: string | null | undefined;
  expiresAt?: string | null | undefined;
  hms?: HmsRoomOptionsInput | null | undefined;
  /** Makes a retry safe: the same key with the same input creates one room and returns it every time; the same key with other input is an IdempotencyConflictError. Kept for IDEMPOTENCY_TTL_SECONDS. */
  idempotencyKey?: string | null | undefined;
  maxParticipants?: number | null | undefined;
  /** Unique name at the provider. */
  name: string;
  notBefore?: string | null | undefined;
  /** Key of the provider account (Provider.key). */
  providerKey: string;
  recordingEnabled?: boolean | null | undefined;
  region?: string | null | undefined;
  signalwire?: SignalWireRoomOptionsInput | null | undefined;
};

/** Settings only 100ms has, on create. */
export type HmsRoomOptionsInput = {
  /** Allows up to 20000 peers instead of 2500. */
  largeRoom?: boolean | null | undefined;
  maxDurationSeconds?: number | null | undefined;
  /** Template to use (24-hex id); the workspace default when left out. */
  templateId?: string | null | undefined;
};

/** ACTIVE accepts joins; DISABLED blocks new joins (disableRoom); ENDED is closed for good; EXPIRED is past its expiry; UNKNOWN could not be mapped. */
export type RoomStatus =
  | 'ACTIVE'
  | 'DISABLED'
  | 'ENDED'
  | 'EXPIRED'
  | 'UNKNOWN';

/** Settings only SignalWire has. Ignored for no other provider: sending them elsewhere is an error. */
export type SignalWireRoomOptionsInput = {
  enableChat?: boolean | null | undefined;
  enableRoomPreviews?: boolean | null | undefined;
  layout?: string | null | undefined;
  quality?: string | null | undefined;
  /** Create only. Defaults to ROOM (no UI). */
  roomType?: SignalWireRoomType | null | undefined;
  size?: string | null | undefined;
};

/** CONFERENCE: a room with SignalWire's prebuilt UI. ROOM: a room without UI. */
export type SignalWireRoomType =
  | 'CONFERENCE'
  | 'ROOM';

export type ExampleCreateRoomMutationVariables = Exact<{
  input: CreateRoomInput;
}>;


export type ExampleCreateRoomMutation = { createRoom:
    | { __typename: 'CreateRoomSuccess', room: { id: string, name: string, status: RoomStatus } }
    | { __typename: 'ForbiddenError', code: string, message: string }
    | { __typename: 'IdempotencyConflictError', code: string, message: string }
    | { __typename: 'IdempotencyPendingError', code: string, message: string }
    | { __typename: 'InputValidationError', code: string, message: string }
    | { __typename: 'OutcomeUnknownError', code: string, message: string }
    | { __typename: 'ProviderError', code: string, message: string }
    | { __typename: 'ProviderNotFoundError', code: string, message: string }
    | { __typename: 'ProviderRateLimitedError', code: string, message: string }
    | { __typename: 'RoomNotFoundError', code: string, message: string }
    | { __typename: 'StateStoreUnavailableError', code: string, message: string }
    | { __typename: 'UnsupportedOperationError', code: string, message: string }
    | { __typename: 'UpstreamCallLimitError', code: string, message: string }
   };

export type ExampleCreateTokenMutationVariables = Exact<{
  roomId: string;
  identity: string;
}>;


export type ExampleCreateTokenMutation = { createRoomToken:
    | { __typename: 'CreateRoomTokenSuccess', roomToken: { token: string, expiresAt: string | null } }
    | { __typename: 'ForbiddenError', code: string, message: string }
    | { __typename: 'InputValidationError', code: string, message: string }
    | { __typename: 'ProviderError', code: string, message: string }
    | { __typename: 'ProviderNotFoundError', code: string, message: string }
    | { __typename: 'ProviderRateLimitedError', code: string, message: string }
    | { __typename: 'RoomNotFoundError', code: string, message: string }
    | { __typename: 'UnsupportedOperationError', code: string, message: string }
    | { __typename: 'UpstreamCallLimitError', code: string, message: string }
   };


export const ExampleCreateRoomDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ExampleCreateRoom"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateRoomInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createRoom"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CreateRoomSuccess"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"room"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<ExampleCreateRoomMutation, ExampleCreateRoomMutationVariables>;
export const ExampleCreateTokenDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ExampleCreateToken"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"roomId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"identity"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createRoomToken"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"roomId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"roomId"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"role"},"value":{"kind":"EnumValue","value":"PARTICIPANT"}},{"kind":"ObjectField","name":{"kind":"Name","value":"identity"},"value":{"kind":"Variable","name":{"kind":"Name","value":"identity"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CreateRoomTokenSuccess"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"roomToken"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"token"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<ExampleCreateTokenMutation, ExampleCreateTokenMutationVariables>;