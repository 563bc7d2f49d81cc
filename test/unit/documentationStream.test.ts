// Writing the as-built document to a response the client has left: every write must end the
// document with an error (the route logs it and stops reading the database), never wait forever.
import { Writable } from 'node:stream';
import { put } from '../../src/export/documentation/document';

test('a write to a stream already closed rejects instead of waiting for a drain that never comes', async () => {
  const out = new Writable({ highWaterMark: 4, write: (_chunk, _encoding, done) => done() });
  out.on('error', () => undefined);
  out.destroy();
  await new Promise((resolve) => out.once('close', resolve));
  const outcome = await Promise.race([
    put(out, 'a page of the document').then(
      () => 'written',
      () => 'rejected',
    ),
    new Promise((resolve) => setTimeout(() => resolve('still waiting'), 500)),
  ]);
  expect(outcome).toBe('rejected');
});

test('a write to a stream closed while it waits for a drain rejects', async () => {
  const out = new Writable({ highWaterMark: 4, write: () => undefined });
  out.on('error', () => undefined);
  const written = put(out, 'more than four bytes');
  out.destroy();
  await expect(written).rejects.toThrow('documentation reader went away');
});
