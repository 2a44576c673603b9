// The raw floor: a bare Node HTTP server answering the same JSON body, no framework, no database.
import { createServer } from 'node:http';

const body = process.env.FLOOR_BODY ?? '{"status":"ok"}';
const port = Number(process.env.PORT ?? 0);
createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}).listen(port, '127.0.0.1', () => process.stdout.write('ready\n'));
