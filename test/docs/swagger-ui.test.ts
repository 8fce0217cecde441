import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { chromium, type Page } from 'playwright-core';
import t from 'tap';
import { ADMIN_KEY, buildTestApp } from '../helpers/app.js';

// Debian's chromium; `.ci/run` installs it, so in CI this test never skips.
const CHROMIUM = '/usr/bin/chromium';
const missing = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (apt-get install chromium; .ci/run does)`;

// A browser opening every operation with an enum takes longer than .taprc's two minutes on two shared cores.
t.setTimeout(300_000);

interface Contract {
  paths: Record<string, Record<string, { operationId: string; tags: string[]; parameters?: Parameter[] }>>;
}
interface Parameter {
  in: string;
  name: string;
  schema: { enum?: string[]; anyOf?: Array<{ enum?: string[]; const?: string }> };
}

/** The query parameters that take one of a set of values: an `enum`, or a union of single values. */
function enumParameters(contract: Contract) {
  return Object.values(contract.paths).flatMap((methods) =>
    Object.values(methods).flatMap(({ operationId, tags, parameters = [] }) =>
      parameters
        .filter((parameter) => parameter.in === 'query')
        .map(({ name, schema }) => ({
          operationId,
          tag: tags[0],
          name,
          values: schema.enum ?? schema.anyOf?.flatMap((member) => member.enum ?? (member.const === undefined ? [] : [member.const])),
        }))
        .filter(({ values }) => values?.length),
    ),
  );
}

/**
 * An operation of Swagger UI, its tag opened first: the tags start closed (`docExpansion: 'none'`),
 * as a person opens the part of the API they came for.
 */
async function operationOf(page: Page, operationId: string, tag: string) {
  const section = page.locator(`#operations-tag-${tag}`);
  if ((await section.getAttribute('data-is-open')) !== 'true') await section.click();
  return page.locator(`#operations-${tag}-${operationId}`);
}

/** Expands an operation of Swagger UI, runs it as shown (try-it-out is on by default) and answers the live status. */
async function execute(page: Page, operationId: string, tag: string): Promise<string> {
  const operation = await operationOf(page, operationId, tag);
  await operation.locator('.opblock-summary').click();
  await operation.locator('button.execute').click();
  const status = operation.locator('.live-responses-table .response .response-col_status');
  await status.waitFor();
  return (await status.innerText()).trim();
}

t.test(
  'Swagger UI in a real browser: Authorize, a list GET without typing limit, a POST of the shown example',
  { skip: missing },
  async (t) => {
    const { app } = await buildTestApp(t);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

    // Playwright gives the browser a fresh profile of its own; the flags keep it from calling home.
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    t.teardown(() => browser.close());
    const page = await browser.newPage();
    const fetched: string[] = [];
    page.on('request', (request) => fetched.push(request.url()));

    await page.goto(`${origin}/docs`);
    await page.locator('button.authorize').first().click();
    await page.locator('.modal-ux input[type="text"]').fill(ADMIN_KEY);
    await page.locator('.modal-ux button.authorize').click();
    await page.locator('.modal-ux button.btn-done').click();

    t.test('every enum query parameter of the contract offers all its values', async (t) => {
      const contract = (await (await fetch(`${origin}/openapi.json`)).json()) as Contract;
      for (const { operationId, tag, name, values } of enumParameters(contract)) {
        const operation = await operationOf(page, operationId, tag!);
        await operation.locator('.opblock-summary').click();
        // The parameters render after the click; reading the options at once raced with it (a CI run read none).
        const select = operation.locator(`tr[data-param-name="${name}"] select`);
        await select.waitFor();
        const options = await select.locator('option').allInnerTexts();
        t.same(
          options.filter((option) => option !== '--'),
          values,
          `${operationId} ${name}`,
        );
        // Collapsed again, so that the operations below open as a person would open them.
        await operation.locator('.opblock-summary').click();
      }
    });

    t.test('POST /v1/organizations with the example body Swagger UI shows answers 201', async (t) => {
      t.equal(await execute(page, 'createOrganization', 'organizations'), '201');
    });

    t.test('GET /v1/organizations with nothing typed answers 200 with the organization', async (t) => {
      t.equal(await execute(page, 'listOrganizations', 'organizations'), '200');
      const body = await page
        .locator('#operations-organizations-listOrganizations .live-responses-table .response-col_description pre')
        .first()
        .innerText();
      t.match(body, /Ивановский комплексный центр/);
    });

    t.test('nothing is fetched from outside the service', async (t) => {
      await page.screenshot({ path: '/tmp/swagger.png', fullPage: false });
      t.ok(fetched.length > 0, 'the page made requests');
      t.same(
        fetched.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith('data:')),
        [],
        `every request goes to ${origin}`,
      );
    });
  },
);
