// npm run openapi: writes the contract the code generates to openapi/openapi.json.
import { mkdir, writeFile } from 'node:fs/promises';
import { generateOpenApiDocument } from '../openapi.js';

const path = new URL('../../openapi/openapi.json', import.meta.url);
await mkdir(new URL('.', path), { recursive: true });
await writeFile(path, await generateOpenApiDocument());
console.log(`wrote ${path.pathname}`);
