import { MemorySessionStore } from './memory-session.store';
import { endingWinsContract, IDLE } from '../../../test/support/session-records';

describe('MemorySessionStore', () => {
  let store: MemorySessionStore;

  beforeEach(() => {
    store = new MemorySessionStore(() => IDLE);
  });
  // memorystore prunes expired entries on a timer: stop it, or Jest waits for it.
  afterEach(() => store.stopInterval());

  endingWinsContract(
    () => store,
    (name) => name,
  );
});
