import { batch } from '@preact/signals';
import { translator } from './i18n/index.ts';
import { ApiError, type Api } from './net/api.ts';
import type { Store } from './store.ts';
import type { ReplySettings, SavedReplyInput, SavedReplyPatch } from './types.ts';

/** What a settings form shows: null when the server accepted, else its words. */
export type Outcome = string | null;

function messageOf(err: unknown): string {
  return err instanceof ApiError ? err.message : translator('en')('common.error');
}

async function attempt(run: () => Promise<void>): Promise<Outcome> {
  try {
    await run();
    return null;
  } catch (err) {
    return messageOf(err);
  }
}

/**
 * The settings screen's loads and changes. Each answer from the server goes into the store; the
 * forms only keep what is being typed and the last outcome.
 */
export function createSettingsActions(store: Store, api: Api) {
  async function loadSavedReplies(): Promise<Outcome> {
    const releaseId = store.savedRepliesRelease.value;
    return attempt(async () => {
      const list = (await api.savedReplies(releaseId ?? undefined)).savedReplies;
      // A later choice of release wins over an older answer still on its way.
      if (store.savedRepliesRelease.value === releaseId) store.savedReplies.value = list;
    });
  }

  return {
    /** Everything the screen shows, fresh from the server. */
    async load(): Promise<void> {
      const admin = store.me.value?.role === 'admin';
      await Promise.all([
        loadSavedReplies(),
        api.releases().then(
          (r) => (store.releases.value = r.releases),
          () => {},
        ),
        api.replySettings().then(
          (s) => (store.replySettings.value = s),
          () => {},
        ),
        admin
          ? api.users().then(
              (u) => (store.users.value = u.users),
              () => {},
            )
          : Promise.resolve(),
      ]);
    },

    async saveSignature(signature: string): Promise<Outcome> {
      return attempt(async () => {
        store.me.value = await api.setSignature(signature);
      });
    },

    /** Show the lines to take of this release (null: the general saved replies alone). */
    async showRelease(releaseId: number | null): Promise<Outcome> {
      batch(() => {
        store.savedRepliesRelease.value = releaseId;
        store.savedReplies.value = [];
      });
      return loadSavedReplies();
    },

    async createSavedReply(input: SavedReplyInput): Promise<Outcome> {
      return attempt(async () => {
        const created = await api.createSavedReply(input);
        store.savedReplies.value = [...store.savedReplies.value, created];
      });
    },

    async updateSavedReply(savedId: number, patch: SavedReplyPatch): Promise<Outcome> {
      return attempt(async () => {
        const updated = await api.updateSavedReply(savedId, patch);
        store.savedReplies.value = store.savedReplies.value.map((s) => (s.id === savedId ? updated : s));
      });
    },

    async deleteSavedReply(savedId: number): Promise<Outcome> {
      return attempt(async () => {
        await api.deleteSavedReply(savedId);
        store.savedReplies.value = store.savedReplies.value.filter((s) => s.id !== savedId);
      });
    },

    async saveReplySettings(patch: Partial<ReplySettings>): Promise<Outcome> {
      return attempt(async () => {
        store.replySettings.value = await api.saveReplySettings(patch);
      });
    },

    async patchUser(
      userId: number,
      patch: { role?: 'admin' | 'staff'; canApprove?: boolean },
    ): Promise<Outcome> {
      return attempt(async () => {
        const updated = await api.patchUser(userId, patch);
        batch(() => {
          store.users.value = store.users.value.map((u) => (u.id === userId ? updated : u));
          const me = store.me.value;
          if (me && me.id === userId)
            store.me.value = {
              ...me,
              role: updated.role === 'admin' ? 'admin' : 'staff',
              canApprove: updated.canApprove ?? me.canApprove,
            };
        });
      });
    },
  };
}

export type SettingsActions = ReturnType<typeof createSettingsActions>;
