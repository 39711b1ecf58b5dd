// Makes startApp (and the specs' own Redis clients) use the Redis Cluster of cluster-setup.ts.
process.env.TEST_REDIS_TOPOLOGY = 'cluster';
