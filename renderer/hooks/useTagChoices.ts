import { useEffect, useMemo, useState } from 'react';
import type { TagInUse } from '../../shared/contract/organise';
import { api } from '../api/client';
import { coalesce } from '../mail/coalesce';
import { type TagChoice, tagChoices } from '../mail/tag-choices';

/**
 * The tags to offer (mail/tag-choices.ts): the standard ones and those in use, refreshed as messages
 * change (coalesced). Should listing fail, the standard ones alone.
 */
export function useTagChoices(): TagChoice[] {
  const [inUse, setInUse] = useState<readonly TagInUse[]>([]);
  useEffect(() => {
    let live = true;
    const refresh = coalesce(async () => {
      const tags = await api.listTags({}).catch(() => [] as TagInUse[]);
      if (live) setInUse(tags);
    });
    refresh();
    const stop = api.on('messagesChanged', refresh);
    return () => {
      live = false;
      stop();
    };
  }, []);
  return useMemo(() => tagChoices(inUse), [inUse]);
}
