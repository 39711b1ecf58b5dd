import { stopCluster } from './cluster-setup';

/** globalTeardown of the `e2e:cluster:<mode>` projects (see cluster-setup.ts). */
export default stopCluster;
