import t from 'tap';
import { KeyCache } from '../../src/api-keys/key-cache.js';
import { hashSecret } from '../../src/api-keys/secrets.js';
import type { ApiKeyRow } from '../../src/db/schema.js';

const key = (id: string) => ({ id, role: 'regional', organization_id: null }) as unknown as ApiKeyRow;

t.test('a key is remembered for the TTL only (a revocation elsewhere reaches this process within it)', async (t) => {
  const cache = new KeyCache();
  const hash = hashSecret('ltc_secret');
  cache.set(hash, key('a'), 1_000);
  t.equal(cache.get(hash, 1_000 + KeyCache.TTL_MS - 1)?.id, 'a');
  t.equal(cache.get(hash, 1_000 + KeyCache.TTL_MS), undefined);
  t.equal(cache.get(hashSecret('ltc_other'), 1_000), undefined, 'another secret is not this key');
});

t.test('forgetting a key drops it at once', async (t) => {
  const cache = new KeyCache();
  cache.set(hashSecret('one'), key('a'));
  cache.set(hashSecret('two'), key('b'));
  cache.forget('a');
  t.equal(cache.get(hashSecret('one')), undefined);
  t.equal(cache.get(hashSecret('two'))?.id, 'b');
});

t.test('the cache does not grow without bound', async (t) => {
  const cache = new KeyCache();
  for (let i = 0; i <= KeyCache.MAX_ENTRIES; i++) cache.set(hashSecret(`secret ${i}`), key(String(i)));
  t.equal(cache.get(hashSecret('secret 0')), undefined, 'the full cache started over');
  t.equal(cache.get(hashSecret(`secret ${KeyCache.MAX_ENTRIES}`))?.id, String(KeyCache.MAX_ENTRIES));
});
