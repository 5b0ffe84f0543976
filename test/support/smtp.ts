import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface TestMailServer {
  /** smtp://127.0.0.1:<port> for SMTP_URL. */
  url: string;
  received: ParsedMail[];
  /** Refuse the next recipients with a 550 while set. */
  refuse: boolean;
  close(): Promise<void>;
}

/**
 * A real SMTP server on 127.0.0.1 (smtp-server) that parses every message it
 * accepts (mailparser), for tests of email delivery. No TLS and no
 * authentication: it listens on the loopback only.
 */
export async function startMailServer(): Promise<TestMailServer> {
  const state: TestMailServer = { url: '', received: [], refuse: false, close: async () => undefined };
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    // The app's transport keeps pooled connections open; without this, close() waits 30 s (the default) for them.
    closeTimeout: 100,
    authOptional: true,
    logger: false,
    onRcptTo(_address, _session, callback) {
      callback(state.refuse ? Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }) : undefined);
    },
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          state.received.push(mail);
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = (server as unknown as { server: { address(): AddressInfo } }).server.address();
  state.url = `smtp://127.0.0.1:${port}`;
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}
