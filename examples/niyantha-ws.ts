// Niyantha WebSocket: auth.login, typed requests, a streamed AI reply and a chunked upload.
//   npx tsx examples/niyantha-ws.ts          → against @s2sdk/ws-mock serving specs/niyantha/asyncapi.yaml
//   NIYANTHA_WS_URL=wss://api.niyantha.in/ws NIYANTHA_API_KEY=… NIYANTHA_API_SECRET=… npx tsx examples/niyantha-ws.ts
import { connectNiyanthaWs, WsRequestError } from '@s2sdk/niyantha-ws';
import { startMockServer } from '@s2sdk/ws-mock';

const key = process.env.NIYANTHA_API_KEY ?? 'pk_demo_example';
const secret = process.env.NIYANTHA_API_SECRET ?? 'sk_demo_example_secret';
// The mock answers from the spec's examples; the upload replies are made stateful here
// (ws-mock's `replies` hook) so the progress the client reports is real.
const uploads = new Map<string, { size: number; received: number }>();
const mock = process.env.NIYANTHA_WS_URL
  ? undefined
  : await startMockServer({
      spec: 'specs/niyantha/asyncapi.yaml',
      port: 0,
      keys: [{ key, secret, accountId: '42' }],
      replies: {
        'file.stream.start': ({ payload }) => {
          const { size } = payload as { size: number };
          const upload_id = `up_${uploads.size + 1}`;
          uploads.set(upload_id, { size, received: 0 });
          return { upload_id, chunk_size: 16, expires_at: Math.floor(Date.now() / 1000) + 600 };
        },
        'file.stream.chunk': ({ payload }) => {
          const { upload_id, seq, data } = payload as { upload_id: string; seq: number; data: string };
          const u = uploads.get(upload_id)!;
          u.received += Buffer.from(data, 'base64').length;
          return { upload_id, seq, received_bytes: u.received, total_bytes: u.size };
        },
      },
    });
const ws = await connectNiyanthaWs({ url: process.env.NIYANTHA_WS_URL ?? mock!.url, credentials: { key, secret }, app: 'anystore' });
try {
  console.log(`niyantha-ws: authenticated as ${ws.session?.identityId} (${ws.session?.role})`);
  const account = await ws.request('account.get', {});
  console.log(`niyantha-ws: account.get → ${JSON.stringify(account).slice(0, 80)}…`);
  const stores = await ws.request('account.stores.fetch', { limit: 5 });
  console.log(`niyantha-ws: account.stores.fetch → ${stores.items.length} store(s)`);

  let text = '';
  const stream = ws.stream('ai.thread.send.stream', { thread_id: 1, content: 'Which products are low on stock?' });
  for await (const chunk of stream) text += chunk.delta;
  const final = await stream.result;
  console.log(`niyantha-ws: streamed ${text.length} characters, usage ${JSON.stringify(final.usage)}`);

  const data = new TextEncoder().encode('store,product,stock\n301,Tomato Crate,400\n');
  const file = await ws.uploadFile({
    name: 'stock.csv',
    contentType: 'text/csv',
    data,
    onProgress: ({ uploadedBytes, totalBytes }) => console.log(`niyantha-ws: upload ${uploadedBytes}/${totalBytes} bytes`),
  });
  console.log(`niyantha-ws: uploaded file ${file.id}`);

  if (mock) {
    mock.setFaults({ errorFor: { 'store.get': { code: 'not_found', message: 'no such store' } } });
    await ws.request('store.get', { store_id: 999 }).catch((err) => {
      if (err instanceof WsRequestError) console.log(`niyantha-ws: typed error reply ${err.code}: ${err.message}`);
      else throw err;
    });
  }
} finally {
  await ws.close();
  await mock?.close();
}
