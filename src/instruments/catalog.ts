import type { Db } from '../db/database.js';
import { loadInstruments } from './repository.js';
import type { Instrument } from './schemas.js';
import { maxScore } from './scoring.js';

/**
 * The instruments, read from the database once per process: a version never changes once used
 * (a trigger enforces it), and a new version arrives with a migration, that is with a deploy.
 * Instances are deployed one after another: an older one may meet an assessment on a form a newer
 * one's migration added after it loaded, so a stored form it has not seen makes it read them again.
 */
export class InstrumentCatalog {
  #loading: Promise<Map<string, Instrument>> | undefined;

  constructor(private readonly db: Db) {}

  async all(): Promise<Instrument[]> {
    return [...(await this.#instruments()).values()];
  }

  async find(id: string): Promise<Instrument | undefined> {
    return (await this.#instruments()).get(id);
  }

  /** The form a stored assessment was made on: always there, its foreign key says so. */
  async get(id: string): Promise<Instrument> {
    const instrument = (await this.find(id)) ?? (await this.#reload()).get(id);
    if (!instrument) throw new Error(`Instrument ${id} is not in the catalog`);
    return instrument;
  }

  #reload(): Promise<Map<string, Instrument>> {
    this.#loading = undefined;
    return this.#instruments();
  }

  #instruments(): Promise<Map<string, Instrument>> {
    this.#loading ??= loadInstruments(this.db).then(
      (instruments) => new Map(instruments.map((instrument) => [instrument.id, { ...instrument, maxScore: maxScore(instrument) }])),
    );
    // A failed load (database away) is not cached: the next call tries again.
    this.#loading.catch(() => (this.#loading = undefined));
    return this.#loading;
  }
}
