/**
 * Per-connection sessions on the control socket (an exec'd process, a copy): the Stdin, StdinEof
 * and Resize frames of a client that opened one go to it instead of the container's payload.
 */
import type { ControlClient } from './control-server';

export interface ClientSession {
  stdin(data: Buffer): void;
  stdinEof(): void;
  resize(rows: number, cols: number): void;
  /** The client went away before the session ended. */
  disconnected(): void;
}

export class ClientSessions {
  private readonly byClient = new Map<ControlClient, ClientSession>();

  add(client: ControlClient, session: ClientSession): void {
    this.byClient.set(client, session);
  }

  remove(client: ControlClient): void {
    this.byClient.delete(client);
  }

  /** The session of `client`, if it opened one. */
  of(client: ControlClient): ClientSession | undefined {
    return this.byClient.get(client);
  }

  disconnected(client: ControlClient): void {
    const session = this.byClient.get(client);
    this.byClient.delete(client);
    session?.disconnected();
  }
}
