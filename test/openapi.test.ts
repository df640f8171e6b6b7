import { readFileSync } from 'node:fs';
import t from 'tap';
import { buildSpecApp, formatSpec, SPEC_FILE } from '../src/cli/spec.js';

interface Operation {
  operationId?: string;
  summary?: string;
  tags?: string[];
  responses?: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

t.test('the served spec', async (t) => {
  const { app, close } = await buildSpecApp();
  t.teardown(close);
  const res = await app.inject({ url: '/v1/openapi.json' });
  t.equal(res.statusCode, 200);
  const spec = res.json() as { paths: Record<string, Record<string, Operation>> };

  await t.test('matches the committed openapi/openapi.json', async (t) => {
    let committed = '';
    try {
      committed = readFileSync(SPEC_FILE, 'utf8');
    } catch {
      // Reported by the comparison below.
    }
    const served = formatSpec(spec);
    if (served !== committed) {
      const servedLines = served.split('\n');
      const committedLines = committed.split('\n');
      const line = servedLines.findIndex((l, i) => l !== committedLines[i]);
      const around = (lines: string[]) => lines.slice(Math.max(0, line - 3), line + 4).join('\n');
      t.fail('openapi/openapi.json is out of date: run `npm run openapi:write` and commit the result', {
        firstDifferenceAtLine: line + 1,
        committed: committed ? around(committedLines) : '(no such file)',
        served: around(servedLines),
      });
    }
    t.equal(served, committed, 'the committed spec is current');
  });

  const operations: Array<[string, Operation]> = [];
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const method of METHODS) if (item[method]) operations.push([`${method.toUpperCase()} ${path}`, item[method]]);
  }

  await t.test('every operation is named, summarized and tagged', async (t) => {
    t.ok(operations.length > 0, 'the spec has operations');
    const seen = new Map<string, string>();
    for (const [name, op] of operations) {
      t.ok(op.operationId, `${name} has an operationId`);
      t.ok(op.summary, `${name} has a summary`);
      t.ok(op.tags?.length, `${name} has a tag`);
      if (op.operationId) {
        t.notOk(seen.has(op.operationId), `operationId ${op.operationId} of ${name} is also used by ${seen.get(op.operationId)}`);
        seen.set(op.operationId, name);
      }
    }
  });

  await t.test('every operation declares 400 and 500, and every error is a Problem', async (t) => {
    for (const [name, op] of operations) {
      const responses = op.responses ?? {};
      t.ok(responses['400'], `${name} declares 400`);
      t.ok(responses['500'], `${name} declares 500`);
      for (const [status, response] of Object.entries(responses)) {
        // 1xx-3xx carry no problem (a 304 has no body at all); 4xx, 5xx and default must.
        if (/^[123]/.test(status)) continue;
        t.equal(
          response.content?.['application/problem+json']?.schema?.$ref,
          '#/components/schemas/Problem',
          `${name} ${status} is application/problem+json with the Problem schema`,
        );
      }
    }
  });
});
