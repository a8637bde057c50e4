// The wire contract lives with the server (TypeBox schemas); the UI imports only its types, so the
// two cannot drift silently and no server code reaches the bundle.
import type { ThreadSummary } from '../../server/schemas/api.ts';

export type {
  Address,
  Health,
  Message,
  Release,
  ThreadDetail,
  ThreadList,
  ThreadSummary,
  User,
} from '../../server/schemas/api.ts';
export type { ClientMessage, ServerMessage, SyncProgress } from '../../server/schemas/realtime.ts';

export type ThreadStatus = ThreadSummary['status'];
