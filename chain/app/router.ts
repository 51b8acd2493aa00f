import type { Any } from 'cosmjs-types/google/protobuf/any';
import { SdkErrors } from '../types/sdkErrors.js';
import type { Context, QueryContext } from './context.js';

/** A message type a module handles: decoding, stateless checks, who must sign, and the handler. */
export interface MsgHandler<M = unknown> {
  typeUrl: string;
  /** the module name reported in the `message.module` event attribute */
  module: string;
  decode(bytes: Uint8Array): M;
  /** bech32 addresses that must sign, in order */
  signers(msg: M): string[];
  /** stateless checks (addresses, amounts); throw a VivianError */
  validateBasic(msg: M): void;
  /** runs the message; returns the response as an Any for TxMsgData */
  handle(ctx: Context, msg: M): Any;
}

export interface DecodedMsg {
  typeUrl: string;
  msg: unknown;
  handler: MsgHandler;
}

export class MsgRouter {
  private readonly handlers = new Map<string, MsgHandler>();

  register<M>(h: MsgHandler<M>): void {
    if (this.handlers.has(h.typeUrl)) throw new Error(`message ${h.typeUrl} registered twice`);
    this.handlers.set(h.typeUrl, h as MsgHandler);
  }

  has(typeUrl: string): boolean {
    return this.handlers.has(typeUrl);
  }

  /** Decodes and statelessly validates one message Any. */
  decode(any: Any): DecodedMsg {
    const handler = this.handlers.get(any.typeUrl);
    if (!handler) throw SdkErrors.UnknownRequest(`unrecognized message type: ${any.typeUrl}`);
    let msg: unknown;
    try {
      msg = handler.decode(any.value);
    } catch (e) {
      throw SdkErrors.TxDecode(`cannot decode ${any.typeUrl}: ${(e as Error).message}`);
    }
    handler.validateBasic(msg);
    return { typeUrl: any.typeUrl, msg, handler };
  }

  typeUrls(): string[] {
    return [...this.handlers.keys()].sort();
  }
}

/** A gRPC-style query method: protobuf request bytes in, protobuf response bytes out. */
export type QueryHandler = (ctx: QueryContext, request: Uint8Array) => Uint8Array;

export class QueryRouter {
  private readonly handlers = new Map<string, QueryHandler>();

  register(path: string, handler: QueryHandler): void {
    if (this.handlers.has(path)) throw new Error(`query ${path} registered twice`);
    this.handlers.set(path, handler);
  }

  get(path: string): QueryHandler | undefined {
    return this.handlers.get(path);
  }

  paths(): string[] {
    return [...this.handlers.keys()].sort();
  }
}
