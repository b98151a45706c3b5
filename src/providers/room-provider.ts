import type { ProviderCapabilities } from '../domain/capabilities.js';
import type { RoomNotFoundError, UpstreamCallLimitError } from '../domain/errors.js';
import type { ProviderKind } from '../domain/provider-kind.js';
import type { CreateRoomInput, Room, UpdateRoomInput } from '../domain/room.js';
import type { RoomEvent } from '../domain/room-event.js';
import type {
  EndSessionInput,
  Participant,
  Recording,
  RecordingDownload,
  RoomSession,
} from '../domain/room-life.js';
import type { CreateRoomTokenInput, RoomToken } from '../domain/room-token.js';
import type { CallContext } from '../http/call-context.js';

/** Every operation takes one of these. */
export interface CallOptions {
  /**
   * The GraphQL operation the call serves: the client's signal (a client that disconnects
   * cancels the reads it started), the operation's deadline and allowance of upstream calls,
   * and its request id and span. Absent outside an operation (tests, tools): no limits then.
   */
  readonly context?: CallContext;
}

export interface ListRoomsOptions extends CallOptions {
  /** The opaque cursor from a previous page's `edges[i].cursor`, or null for the first page. */
  readonly cursor: string | null;
  /** Most rooms to return; the adapter clamps it to `capabilities.maxPageSize`. */
  readonly limit: number;
}

export interface RoomEdge {
  readonly room: Room;
  /** Resumes the listing right after this room. Opaque to callers. */
  readonly cursor: string;
}

/** Where a listing of one room's sessions, recordings or participants starts, and how long. */
export interface PageOptions extends CallOptions {
  /** The opaque cursor of a previous page's edge, or null for the first page. */
  readonly cursor: string | null;
  /** Most items to return; the adapter clamps it to what one upstream page holds. */
  readonly limit: number;
}

/** One page of anything but rooms, with a cursor per item that resumes right after it. */
export interface Page<T> {
  readonly edges: readonly { readonly node: T; readonly cursor: string }[];
  /** False only when the provider said this was the last page. */
  readonly hasNextPage: boolean;
}

export interface RoomPage {
  readonly edges: readonly RoomEdge[];
  /** False only when the provider said this was the last page. */
  readonly hasNextPage: boolean;
}

/**
 * THE contract between the GraphQL layer and a provider account. One instance per configured
 * account. Methods return only domain types and throw only `AppError`s (see `domain/errors.ts`);
 * raw HTTP and schema errors never leave the adapter.
 *
 * An operation whose capability is UNSUPPORTED throws `UnsupportedOperationError` before any
 * HTTP call; it is never a silent no-op.
 */
export interface RoomProvider {
  readonly kind: ProviderKind;
  /** The account key from config, e.g. `video` or `video-eu`. Unique per service. */
  readonly key: string;
  readonly displayName: string;
  readonly capabilities: ProviderCapabilities;

  /**
   * Fetches rooms by adapter handle (`Room.nativeId`). Returns exactly one entry per handle,
   * in order (the DataLoader contract): the room, a `RoomNotFoundError` when it does not
   * exist, or an `UpstreamCallLimitError` when the operation's allowance of upstream calls ran
   * out before it. Without a batch endpoint the adapter makes single GETs with bounded
   * concurrency. Throws only when the whole batch failed (auth, outage).
   */
  getRooms(
    nativeIds: readonly string[],
    options?: CallOptions,
  ): Promise<(Room | RoomNotFoundError | UpstreamCallLimitError)[]>;

  /** One page of rooms in the provider's own order. Native paging stays inside the cursor. */
  listRooms(options: ListRoomsOptions): Promise<RoomPage>;

  createRoom(input: CreateRoomInput, options?: CallOptions): Promise<Room>;

  /**
   * The room a `createRoom` with this input made, for a create whose outcome is unknown (its
   * call timed out or its connection dropped after it was sent): looked up by the name or
   * external id the input gave, where the provider can look one up. Null when no such room
   * exists, so the create did not happen and may be sent again. Absent where the provider has
   * no such lookup (then the outcome stays unknown: `OutcomeUnknownError`).
   */
  findCreatedRoom?(input: CreateRoomInput, options?: CallOptions): Promise<Room | null>;

  /** Partial update: fields left out keep their values. */
  updateRoom(nativeId: string, input: UpdateRoomInput, options?: CallOptions): Promise<Room>;

  /** Stops new joins; `capabilities.disableEffect` says what happens to people inside. */
  disableRoom(nativeId: string, options?: CallOptions): Promise<Room>;

  /** Undoes `disableRoom` where `capabilities.enableUndoesDisable`. */
  enableRoom(nativeId: string, options?: CallOptions): Promise<Room>;

  /** Deletes the room for good. */
  deleteRoom(nativeId: string, options?: CallOptions): Promise<void>;

  /**
   * Mints (or fetches) a join token for one person. `expiresAt` is always set. When the caller
   * already holds the room (`options.room`), the adapter uses it instead of fetching it again.
   */
  createRoomToken(
    nativeId: string,
    input: CreateRoomTokenInput,
    options?: CallOptions & { readonly room?: Room },
  ): Promise<RoomToken>;

  /**
   * Tokens the provider keeps for a room (a conference's moderator and guest tokens, say). An
   * empty list where the provider keeps none for this room; UNSUPPORTED where it keeps none.
   */
  listRoomTokens(nativeId: string, options?: CallOptions): Promise<RoomToken[]>;

  // Room life. Each member is present exactly where `capabilities.operations` says NATIVE or
  // EMULATED for its operation (a test checks that they agree); the GraphQL layer answers
  // UnsupportedOperationError for the others without calling anything.

  /**
   * `getActiveSession`: the live session of each room, in order: null when nobody is in it, a
   * `RoomNotFoundError` for a room that does not exist. One call for all of them where the
   * provider lists live sessions across rooms, one per room otherwise.
   */
  getActiveSessions?(
    roomNativeIds: readonly string[],
    options?: CallOptions,
  ): Promise<(RoomSession | null | RoomNotFoundError | UpstreamCallLimitError)[]>;

  /** `listSessions`: a room's sessions, live and past, newest first. */
  listSessions?(roomNativeId: string, options: PageOptions): Promise<Page<RoomSession>>;

  /**
   * `listSessions`: one session by its handle (for `node(id)`); null when there is none.
   * Present wherever `listSessions` is.
   */
  getSession?(
    roomNativeId: string,
    sessionNativeId: string,
    options?: CallOptions,
  ): Promise<RoomSession | null>;

  /** `listParticipants`: who is or was in a session, in the order they joined. */
  listParticipants?(session: RoomSession, options: PageOptions): Promise<Page<Participant>>;

  /** `listRecordings`: a room's recordings, newest first. */
  listRecordings?(roomNativeId: string, options: PageOptions): Promise<Page<Recording>>;

  /** `listRecordings`: one recording by its handle (for `node(id)`); null when there is none. */
  getRecording?(
    roomNativeId: string,
    recordingNativeId: string,
    options?: CallOptions,
  ): Promise<Recording | null>;

  /**
   * `getRecordingDownload`: a fresh short-lived link to a READY recording's file, minted by the
   * provider when asked; never cached past its expiry.
   */
  getRecordingDownload?(recording: Recording, options?: CallOptions): Promise<RecordingDownload>;

  /** `removeParticipant`: takes one person out of the room's live session. */
  removeParticipant?(
    roomNativeId: string,
    participantNativeId: string,
    options?: CallOptions,
  ): Promise<void>;

  /**
   * `endRoomSession`: ends the live session for everyone in it, and with `lock` keeps anyone
   * from joining afterwards where the provider can. Returns the session as it ended, or null
   * when there was none.
   */
  endRoomSession?(
    roomNativeId: string,
    input: EndSessionInput,
    options?: CallOptions,
  ): Promise<RoomSession | null>;

  /** `startRecording`: starts recording the room's live session. */
  startRecording?(roomNativeId: string, options?: CallOptions): Promise<Recording>;

  /** `stopRecording`: stops every recording running in the room; returns them as they stop. */
  stopRecording?(roomNativeId: string, options?: CallOptions): Promise<Recording[]>;

  /**
   * Reads a webhook the provider sent to `POST /webhooks/{accountKey}`, where the provider sends
   * webhooks: null when it fails the provider's own authentication as this account is configured
   * for it (nothing is published then), else the room events it reports (none for a type of no
   * interest), with the ids every other source gives the same changes.
   */
  eventsFromWebhook?(request: WebhookRequest): RoomEvent[] | null;
}

/** A webhook as it arrived: its headers (lower-case names) and its raw body. */
export interface WebhookRequest {
  readonly headers: Headers;
  readonly body: string;
  readonly receivedAt: Date;
}
