import t from 'tap';
import { KeyCache } from '../../src/api-keys/key-cache.js';
import { hashSecret } from '../../src/api-keys/secrets.js';
import type { ApiKeyRow } from '../../src/db/schema.js';

const key = (id: string) => ({ id, role: 'regional', organization_id: null }) as unknown as ApiKeyRow;

/** A cache as an instance has it while it listens to key changes. */
function listeningCache(): KeyCache {
  const cache = new KeyCache();
  cache.resume();
  return cache;
}

t.test('a key is remembered for the TTL only (what a lost notification can cost)', async (t) => {
  const cache = listeningCache();
  const hash = hashSecret('ltc_secret');
  cache.set(hash, key('a'), cache.epoch, 1_000);
  t.equal(cache.get(hash, 1_000 + KeyCache.TTL_MS - 1)?.id, 'a');
  t.equal(cache.get(hash, 1_000 + KeyCache.TTL_MS), undefined);
  t.equal(cache.get(hashSecret('ltc_other'), 1_000), undefined, 'another secret is not this key');
});

t.test('forgetting a key drops it at once', async (t) => {
  const cache = listeningCache();
  cache.set(hashSecret('one'), key('a'), cache.epoch);
  cache.set(hashSecret('two'), key('b'), cache.epoch);
  cache.forget('a');
  t.equal(cache.get(hashSecret('one')), undefined);
  t.equal(cache.get(hashSecret('two'))?.id, 'b');
});

t.test('a key read from the database before a forget is not kept after it (it may be the key just revoked)', async (t) => {
  const cache = listeningCache();
  const readAt = cache.epoch;
  cache.forget('a');
  cache.set(hashSecret('one'), key('a'), readAt);
  t.equal(cache.get(hashSecret('one')), undefined);
});

t.test('nothing is kept until changes are announced, nor while they are not; resuming starts from empty', async (t) => {
  const cache = new KeyCache();
  cache.set(hashSecret('one'), key('a'), cache.epoch);
  t.equal(cache.get(hashSecret('one')), undefined, 'not before the listener listens');

  cache.resume();
  cache.set(hashSecret('one'), key('a'), cache.epoch);
  t.equal(cache.get(hashSecret('one'))?.id, 'a', 'kept while listening');

  const readWhileListening = cache.epoch;
  cache.suspend();
  t.equal(cache.get(hashSecret('one')), undefined, 'dropped when the listener loses its connection');
  cache.set(hashSecret('two'), key('b'), cache.epoch);
  t.equal(cache.get(hashSecret('two')), undefined, 'not kept while it is away');

  const readWhileAway = cache.epoch;
  cache.resume();
  cache.set(hashSecret('one'), key('a'), readWhileListening);
  cache.set(hashSecret('two'), key('b'), readWhileAway);
  t.equal(cache.get(hashSecret('one')), undefined, 'a key read before it went away is not kept after it is back');
  t.equal(cache.get(hashSecret('two')), undefined, 'nor one read while it was away');
});

t.test('the cache does not grow without bound', async (t) => {
  const cache = listeningCache();
  for (let i = 0; i <= KeyCache.MAX_ENTRIES; i++) cache.set(hashSecret(`secret ${i}`), key(String(i)), cache.epoch);
  t.equal(cache.get(hashSecret('secret 0')), undefined, 'the full cache started over');
  t.equal(cache.get(hashSecret(`secret ${KeyCache.MAX_ENTRIES}`))?.id, String(KeyCache.MAX_ENTRIES));
});

t.test('requests missing the cache at once share one lookup, within its epoch', async (t) => {
  const cache = listeningCache();
  const hash = hashSecret('shared');
  let reads = 0;
  const answers: Array<(row: ApiKeyRow | undefined) => void> = [];
  const answer = (row: ApiKeyRow | undefined) => answers.splice(0).forEach((resolve) => resolve(row));
  const read = () => {
    reads++;
    return new Promise<ApiKeyRow | undefined>((resolve) => answers.push(resolve));
  };
  const first = Array.from({ length: 20 }, () => cache.lookup(hash, read));
  t.equal(reads, 1, 'twenty requests, one read');
  answer(key('a'));
  t.same(
    (await Promise.all(first)).map((row) => row?.id),
    Array(20).fill('a'),
  );
  t.equal((await cache.lookup(hash, read))?.id, 'a', 'then from the cache');
  t.equal(reads, 1);

  cache.forget('a');
  const beforeForget = cache.lookup(hash, read);
  cache.forget('a');
  const afterForget = cache.lookup(hash, read);
  t.equal(reads, 3, 'a request after a forget does not join a lookup begun before it');
  answer(undefined);
  t.same(await Promise.all([beforeForget, afterForget]), [undefined, undefined]);

  const failing = () => {
    reads++;
    return Promise.reject(new Error('database away'));
  };
  await t.rejects(cache.lookup(hash, failing), /database away/);
  await t.rejects(cache.lookup(hash, failing), /database away/, 'a failed read is not kept: the next request reads again');
  t.equal(reads, 5);
});
