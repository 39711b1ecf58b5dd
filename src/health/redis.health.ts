import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { isCluster, RedisClient } from '../redis/redis.client';
import { REDIS } from '../redis/redis.module';

/**
 * Up only when the service can write: connected to a master (not to a replica, which answers
 * reads and refuses every write), and for a cluster, every master answers and reports
 * cluster_state:ok. The reason given never carries the driver's own text.
 */
@Injectable()
export class RedisHealthIndicator {
  constructor(
    @Inject(REDIS) private readonly redis: RedisClient,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async check(key: 'redis'): Promise<HealthIndicatorResult<'redis'>> {
    const indicator = this.indicators.check(key);
    const problem = await this.problem().catch(() => 'unreachable');
    return problem ? indicator.down({ message: problem }) : indicator.up();
  }

  /** Why Redis cannot take writes right now, or null when it can. */
  private async problem(): Promise<string | null> {
    if (this.redis.status !== 'ready') return 'unreachable';
    if (isCluster(this.redis)) {
      const masters = this.redis.nodes('master');
      if (masters.length === 0) return 'unreachable';
      const states = await Promise.all(
        masters.map(async (node) => /^cluster_state:(\w+)/m.exec(await node.cluster('INFO'))?.[1] ?? 'unknown'),
      );
      const bad = states.find((state) => state !== 'ok');
      return bad ? `cluster state ${bad}` : null;
    }
    const role = await this.role();
    if (role === 'master' || role === 'unknown') return null;
    return role === 'slave' ? 'read-only replica' : 'not a master';
  }

  /** ROLE's first element: master or slave. A user whose ACL refuses ROLE (an @admin command) gets a PING. */
  private async role(): Promise<unknown> {
    try {
      const [role] = await this.redis.role();
      return role;
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOPERM')) throw error;
      await this.redis.ping();
      return 'unknown';
    }
  }
}
