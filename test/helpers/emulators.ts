/** The integration tests run on the local stack's emulators (infra/local/emulators.ts). */
import { createServer } from 'node:http';
import { close, listen } from '../../infra/local/emulators.ts';

export { startEmulators, type EmulatorOptions, type Emulators, type SentMail } from '../../infra/local/emulators.ts';

/** An http:// endpoint on which nothing listens: a service that is down. */
export async function unreachableEndpoint(host = '127.0.0.1'): Promise<string> {
  const server = createServer();
  const { port } = await listen(server, 0, host);
  await close(server);
  return `http://${host}:${port}`;
}
