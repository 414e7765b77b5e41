export { SyncProvider, useSync, useSyncClient, type SyncContextValue, type SyncProviderProps } from './SyncProvider.js';
export { useAutoSubscribe, useAutoSubscribeSingle } from './hooks.js';
export {
  connectQueryClient,
  defaultQueryKeys,
  invalidateEntities,
  type QueryKeyMapping,
} from './queryInvalidation.js';
export { useAutoSubscribeType, type AutoSubscribeTypeOptions } from './useAutoSubscribeType.js';
