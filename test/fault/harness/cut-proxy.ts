/**
 * An HTTP proxy between crmsync and one emulator that can cut a chosen request at an exact point: before it reaches
 * the vendor, or after the vendor has applied it and before its answer gets back. At the cut it calls `onCut`
 * (which SIGKILLs crmsync) and drops the client's socket, so the two places a crash makes a write ambiguous are hit
 * every time, not by luck of timing.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CutRule {
  method: string;
  /** The request path (without the query) must match. */
  path: RegExp;
  /**
   * before: the vendor never sees the request; after: the vendor applied it and the answer is lost; garble: the
   * vendor applied it and the answer arrives, with its status and headers, but its JSON cut in half.
   */
  when: 'before' | 'after' | 'garble';
}

export interface CutProxy {
  url: string;
  /** Arms the proxy: the next request matching `rule` is cut and `onCut` runs. */
  arm(rule: CutRule, onCut: () => void): void;
  /**
   * From now on, every JSON answer to a request matching `rule` (its `when` is ignored) is passed through `edit`
   * before it reaches crmsync: vendor data no emulator would produce, delivered exactly as a vendor would.
   */
  rewriteAnswers(rule: Pick<CutRule, 'method' | 'path'>, edit: (answer: unknown) => unknown): void;
  /** How many requests were cut so far. */
  readonly cuts: number;
  close(): Promise<void>;
}

function readBody(message: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    message.on('data', (part: Buffer) => parts.push(part));
    message.on('end', () => resolve(Buffer.concat(parts)));
    message.on('error', reject);
  });
}

export async function startCutProxy(upstream: string): Promise<CutProxy> {
  const target = new URL(upstream);
  let armed: { rule: CutRule; onCut: () => void } | null = null;
  const rewrites: Array<{ rule: Pick<CutRule, 'method' | 'path'>; edit: (answer: unknown) => unknown }> = [];
  let cuts = 0;
  const server: Server = createServer(async (incoming, outgoing) => {
    const body = await readBody(incoming);
    const path = (incoming.url ?? '/').split('?')[0]!;
    const cut = armed && armed.rule.method === incoming.method && armed.rule.path.test(path) ? armed : null;
    if (cut) armed = null;
    const drop = () => {
      cuts += 1;
      cut!.onCut();
      incoming.socket.destroy();
    };
    if (cut?.rule.when === 'before') return drop();
    const forwarded = httpRequest(
      { hostname: target.hostname, port: target.port, method: incoming.method, path: incoming.url, headers: { ...incoming.headers, host: target.host } },
      async (answer) => {
        const answerBody = await readBody(answer);
        if (cut?.rule.when === 'garble') {
          cuts += 1;
          cut.onCut();
          const garbled = answerBody.subarray(0, Math.floor(answerBody.length / 2));
          outgoing.writeHead(answer.statusCode ?? 200, { ...answer.headers, 'content-length': String(garbled.length) });
          return outgoing.end(garbled);
        }
        if (cut) return drop();
        const rewrite = rewrites.find((candidate) => candidate.rule.method === incoming.method && candidate.rule.path.test(path));
        if (rewrite && answerBody.length > 0) {
          const edited = Buffer.from(JSON.stringify(rewrite.edit(JSON.parse(answerBody.toString('utf8')))));
          const headers = { ...answer.headers, 'content-length': String(edited.length) };
          delete headers['transfer-encoding'];
          outgoing.writeHead(answer.statusCode ?? 502, headers);
          return outgoing.end(edited);
        }
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        outgoing.end(answerBody);
      },
    );
    forwarded.on('error', () => incoming.socket.destroy());
    forwarded.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    arm(rule, onCut) {
      armed = { rule, onCut };
    },
    rewriteAnswers(rule, edit) {
      rewrites.push({ rule, edit });
    },
    get cuts() {
      return cuts;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
