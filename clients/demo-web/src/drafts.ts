// Unsaved edits live in the `drafts` collection, so they survive a reload, a crash or a closed
// tab, and every tab of the user sees the same draft.
import { useCallback, useEffect, useState } from 'react';
import type { DemoDatabase } from './db';

export interface DraftState {
  /** The form's values: the draft's where there is one, else the saved ones. */
  values: Record<string, string>;
  /** Whether the values differ from what is saved (a draft exists). */
  dirty: boolean;
  change: (field: string, value: string) => void;
  discard: () => Promise<void>;
}

/**
 * A form's values backed by a draft document. `saved` is what the server holds (or the empty
 * form); typing writes the draft at once, so a reload a moment later finds it.
 */
export function useDraft(db: DemoDatabase, draftId: string, saved: Record<string, string>): DraftState {
  const [draft, setDraft] = useState<Record<string, string> | null>(null);

  useEffect(() => {
    const subscription = db.drafts.findOne(draftId).$.subscribe((doc) => {
      setDraft(doc ? { ...(doc.toJSON().fields as Record<string, string>) } : null);
    });
    return () => subscription.unsubscribe();
  }, [db, draftId]);

  const change = useCallback(
    (field: string, value: string) => {
      setDraft((current) => {
        const fields = { ...saved, ...(current ?? {}), [field]: value };
        void db.drafts.upsert({ id: draftId, fields, updatedAt: Date.now() });
        return fields;
      });
    },
    [db, draftId, saved],
  );

  const discard = useCallback(async () => {
    setDraft(null);
    await db.drafts.findOne(draftId).remove();
  }, [db, draftId]);

  return { values: draft ?? saved, dirty: draft !== null, change, discard };
}
