export { ClusterPrimary, type ClusterPrimaryOptions } from './primary.js';
export { joinCluster, type JoinOptions, type Membership } from './join.js';
export { WORKER_MISSING_EVENT, WORKER_EXIT_EVENT, WORKER_JOIN_EVENT, COLLECTED_EVENT } from './events.js';
