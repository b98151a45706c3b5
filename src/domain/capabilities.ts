export const SUPPORT_LEVELS = ['NATIVE', 'EMULATED', 'UNSUPPORTED'] as const;
/** NATIVE: one documented upstream call. EMULATED: built from other calls, with caveats. */
export type SupportLevel = (typeof SUPPORT_LEVELS)[number];

export const ROOM_OPERATIONS = [
  'createRoom',
  'getRoom',
  'listRooms',
  'updateRoom',
  'disableRoom',
  'enableRoom',
  'deleteRoom',
  'createRoomToken',
  'listRoomTokens',
  'getActiveSession',
  'listSessions',
  'listParticipants',
  'listRecordings',
  'getRecordingDownload',
  'removeParticipant',
  'endRoomSession',
  'startRecording',
  'stopRecording',
] as const;
export type RoomOperation = (typeof ROOM_OPERATIONS)[number];

/** The operations on what happens inside a room: sessions, participants, recordings. */
export type RoomLifeOperation = Exclude<
  RoomOperation,
  | 'createRoom'
  | 'getRoom'
  | 'listRooms'
  | 'updateRoom'
  | 'disableRoom'
  | 'enableRoom'
  | 'deleteRoom'
  | 'createRoomToken'
  | 'listRoomTokens'
>;

/** Every room-life operation unsupported: the start of an adapter that has none of them. */
export const NO_ROOM_LIFE: Readonly<Record<RoomLifeOperation, SupportLevel>> = {
  getActiveSession: 'UNSUPPORTED',
  listSessions: 'UNSUPPORTED',
  listParticipants: 'UNSUPPORTED',
  listRecordings: 'UNSUPPORTED',
  getRecordingDownload: 'UNSUPPORTED',
  removeParticipant: 'UNSUPPORTED',
  endRoomSession: 'UNSUPPORTED',
  startRecording: 'UNSUPPORTED',
  stopRecording: 'UNSUPPORTED',
};

export const DISABLE_EFFECTS = ['BLOCKS_NEW_JOINS', 'EJECTS_EVERYONE', 'ENDS_ROOM'] as const;
/** What `disableRoom` does to people already inside. */
export type DisableEffect = (typeof DISABLE_EFFECTS)[number];

export const TOKEN_SOURCES = ['LOCAL_SIGNER', 'PROVIDER_API'] as const;
export type TokenSource = (typeof TOKEN_SOURCES)[number];

/** What a provider account can do, and how. The source of `Provider.capabilities`. */
export interface ProviderCapabilities {
  readonly operations: Readonly<Record<RoomOperation, SupportLevel>>;
  /** Where an operation's meaning differs here (an emulation's caveat, why it is missing). */
  readonly operationNotes?: Readonly<Partial<Record<RoomOperation, string>>>;
  /** What `disableRoom` does; null when disable is unsupported. */
  readonly disableEffect: DisableEffect | null;
  /** Whether `enableRoom` undoes `disableRoom`. */
  readonly enableUndoesDisable: boolean;
  readonly tokenSource: TokenSource;
  /** Largest page the provider returns from one list call. */
  readonly maxPageSize: number;
  /** Largest number of rooms the adapter fetches in one `getRooms` call. */
  readonly maxBatchSize: number;
  /** Human-readable notes on emulated or partial operations. */
  readonly notes: readonly string[];
}
