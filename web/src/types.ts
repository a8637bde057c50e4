// The wire contract lives with the server (TypeBox schemas); the UI imports only its types, so the
// two cannot drift silently and no server code reaches the bundle.
import type { ThreadSummary } from '../../server/schemas/api.ts';

export type {
  Address,
  Health,
  Me,
  Message,
  MessageHtmlInfo,
  Note,
  Release,
  ReleaseStats,
  ReplySettings,
  SavedReply,
  SavedReplyInput,
  SavedReplyPatch,
  SearchResults,
  ThreadCounts,
  ThreadDetail,
  ThreadList,
  ThreadListQuery,
  ThreadPatchBody,
  ThreadPriority,
  ThreadSummary,
  ThreadView,
  UiLanguage,
  User,
} from '../../server/schemas/api.ts';
export type {
  ClientMessage,
  PresenceViewer,
  ServerMessage,
  SyncProgress,
} from '../../server/schemas/realtime.ts';

export type ThreadStatus = ThreadSummary['status'];
