// Measured child: the baseline. The same Graph pages as the sync (the registry's collections and
// per-item lists), fetched with plain fetch and the same parallelism, but no MSAL, budget,
// retries, canonical hashing or change counting; each page written with one multi-row INSERT.
import { Pool } from 'pg';
import { Agent, fetch } from 'undici';
import { mapWithConcurrency } from '../src/graph/concurrency';
import { itemConcurrencyOf } from '../src/graph/graphClient';
import { completeInlineLists, listingQuery, noteFilledLists } from '../src/graph/listExpansion';
import {
  type PolicyExpansion,
  POLICY_TYPE_KEYS,
  POLICY_TYPES,
  type PolicyTypeDefinition,
} from '../src/graph/policyTypes';
import { benchEnv, caPem, report } from './shared';

type Json = Record<string, unknown>;

async function main(): Promise<void> {
  const env = benchEnv();
  const agent = new Agent({ connect: { ca: caPem(env) } });
  const pool = new Pool({ connectionString: env.databaseUrl, max: 2 });
  await pool.query(
    'CREATE TABLE IF NOT EXISTS bench_raw_policies (policy_type text, graph_id text, payload jsonb)',
  );
  await pool.query('TRUNCATE bench_raw_policies');
  const token = await fetchToken(env, agent);
  const get = async (url: string): Promise<Json> => {
    const response = await fetch(url, { dispatcher: agent, headers: { authorization: `Bearer ${token}` } });
    if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
    return (await response.json()) as Json;
  };
  async function* pages(url: string): AsyncGenerator<Json[]> {
    for (let next: string | undefined = url; next; ) {
      const body = await get(next);
      yield body.value as Json[];
      next = body['@odata.nextLink'] as string | undefined;
    }
  }
  const all = async (url: string) => {
    const items: Json[] = [];
    for await (const page of pages(url)) items.push(...page);
    return items;
  };
  const expand = async (def: PolicyTypeDefinition, ownerPath: string, owner: Json, step: PolicyExpansion) => {
    if (step.kind === 'detail') {
      const path = step.entitySet ? `${step.entitySet}/${owner.id}` : ownerPath;
      Object.assign(
        owner,
        await get(`${env.emulatorUrl}/${def.graphVersion}${path}${step.query ? `?${step.query}` : ''}`),
      );
      return;
    }
    if (step.kind === 'reference') {
      const odataType = String(owner['@odata.type']);
      for (const { name, single } of step.byODataType[odataType] ?? []) {
        const url = `${env.emulatorUrl}/${def.graphVersion}${ownerPath}/${odataType.slice(1)}/${name}`;
        if (!single) owner[name] = await all(url);
        else {
          const response = await fetch(url, {
            dispatcher: agent,
            headers: { authorization: `Bearer ${token}` },
          });
          if (!response.ok && response.status !== 404)
            throw new Error(`GET ${url} answered ${response.status}`);
          owner[name] = response.ok ? await response.json() : null;
        }
      }
      return;
    }
    if (step.forODataTypes && !step.forODataTypes.includes(String(owner['@odata.type']))) return;
    const listPath = `${ownerPath}${step.path}`;
    const elements = await all(
      `${env.emulatorUrl}/${def.graphVersion}${listPath}${step.query ? `?${step.query}` : ''}`,
    );
    for (const element of elements) {
      for (const nested of step.each ?? []) await expand(def, `${listPath}/${element.id}`, element, nested);
    }
    owner[step.property] = elements;
  };

  const started = performance.now();
  let policies = 0;
  for (const key of POLICY_TYPE_KEYS) {
    const def = POLICY_TYPES[key];
    for (const collection of def.collections) {
      // The sync's listing: with the registry's list expansions (../src/graph/listExpansion.ts).
      const query = listingQuery(collection, true);
      const first = `${env.emulatorUrl}/${def.graphVersion}${collection.path}${query ? `?${query}` : ''}`;
      const listed = collection.listExpand?.properties ?? [];
      const filled = new Set<string>();
      for await (const page of pages(first)) {
        noteFilledLists(page, listed, filled);
        const complete = await mapWithConcurrency(page, itemConcurrencyOf(def, collection), async (item) => {
          const itemPath = `${collection.path}/${item.id}`;
          const full = { ...item };
          const inline = completeInlineLists(full, listed, filled);
          for (const expansion of collection.expansions ?? def.expansions)
            if (expansion.kind !== 'list' || !inline.has(expansion.property))
              await expand(def, itemPath, full, expansion);
          return full;
        });
        await insertPage(pool, key, complete);
        policies += complete.length;
      }
    }
  }
  report({ phase: 'raw', ms: performance.now() - started, policies });
  await pool.end();
  await agent.close();
}

async function fetchToken(env: ReturnType<typeof benchEnv>, agent: Agent): Promise<string> {
  const response = await fetch(`${env.emulatorUrl}/${env.azureTenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    dispatcher: agent,
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: env.clientId,
      client_secret: env.clientSecret,
      scope: 'https://graph.microsoft.com/.default',
    }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

async function insertPage(pool: Pool, type: string, items: Json[]): Promise<void> {
  if (items.length === 0) return;
  const values = items.map((_, i) => `($${i * 3 + 1}, $${i * 3 + 2}, $${i * 3 + 3}::jsonb)`).join(',');
  const params = items.flatMap((item) => [type, String(item.id), JSON.stringify(item)]);
  await pool.query(
    `INSERT INTO bench_raw_policies (policy_type, graph_id, payload) VALUES ${values}`,
    params,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
