/**
 * The wire protocol of rtsync (docs/protocol.md), as types, an encoder for what the client sends
 * and a decoder for what the server sends. The tests hold both against the server's golden files
 * (adapters-websocket/src/test/resources/golden), so these shapes cannot drift from the server's.
 */

export type WireAction = 'CREATE' | 'UPDATE' | 'DELETE';

// ---- client to server ----

export type ClientMessage =
  | { type: 'SUBSCRIBE'; payload: { entityCode: string; entityIds: string[] } }
  | { type: 'UNSUBSCRIBE'; payload: { entityCode: string; entityIds?: string[] } }
  | { type: 'UNSUBSCRIBE_ALL' }
  | { type: 'PING' }
  | { type: 'TOKEN_REFRESH'; payload: { token: string } }
  | { type: 'STATUS' }
  | { type: 'SUBSCRIBE_TYPE'; payload: { entityCode: string } }
  | { type: 'UNSUBSCRIBE_TYPE'; payload: { entityCode: string } };

// ---- server to client ----

export interface EntityChange {
  entityId: string;
  action: WireAction;
  version: number;
}

export interface InvalidateMessage {
  type: 'INVALIDATE';
  payload: { entityCode: string; changes: EntityChange[]; timestamp: string };
}
export interface SubscribedMessage {
  type: 'SUBSCRIBED';
  payload: { count: number };
}
export interface PongMessage {
  type: 'PONG';
}
export interface TokenExpiringSoonMessage {
  type: 'TOKEN_EXPIRING_SOON';
  payload: { expiresIn: number };
}
export interface ErrorMessage {
  type: 'ERROR';
  payload: { message: string; code: ErrorCode };
}
export interface StatusReportMessage {
  type: 'STATUS_REPORT';
  payload: { connectionId: string; subscriptions: number; tokenExpiresIn: number };
}

/** Answers SUBSCRIBE_TYPE: every entity of the code is now watched (an rtsync addition). */
export interface TypeSubscribedMessage {
  type: 'TYPE_SUBSCRIBED';
  payload: { entityCode: string };
}

export type ServerMessage =
  | InvalidateMessage
  | SubscribedMessage
  | TypeSubscribedMessage
  | PongMessage
  | TokenExpiringSoonMessage
  | ErrorMessage
  | StatusReportMessage;

// ---- error and close codes (docs/protocol.md, sections 5 and 6) ----

/** Codes of the server's ERROR message. Programs branch on these, never on the message text. */
export const ERROR_CODES = [
  'AUTH_FAILED',
  'TOKEN_EXPIRED',
  'INVALID_JSON',
  'UNKNOWN_TYPE',
  'INVALID_PAYLOAD',
  'INVALID_ENTITY_CODE',
  'UNKNOWN_ENTITY_CODE',
  'TYPE_SUBSCRIPTION_NOT_ALLOWED',
  'INVALID_ENTITY_ID',
  'TOO_MANY_IDS',
  'TOO_MANY_SUBSCRIPTIONS',
  'TOO_MANY_CONNECTIONS',
  'MESSAGE_TOO_LARGE',
  'RATE_LIMITED',
  'OVER_BUDGET',
  'UNAVAILABLE',
  'INTERNAL_ERROR',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * Whether trying again later can succeed. AUTH_FAILED is final for the token that failed (a fresh
 * token from getToken() may still succeed, which the client tries once); TOKEN_EXPIRED needs a
 * new connection with a fresh token, which the client makes. The rest of the final codes mean the
 * request itself is wrong and would fail again.
 */
export function isRetryableError(code: string): boolean {
  switch (code) {
    case 'TOKEN_EXPIRED':
    case 'TOO_MANY_CONNECTIONS':
    case 'RATE_LIMITED':
    case 'OVER_BUDGET':
    case 'UNAVAILABLE':
    case 'INTERNAL_ERROR':
      return true;
    default:
      return false;
  }
}

/** Close codes the server sends, or the browser reports, with what the client does about each. */
export const CloseCode = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  PROTOCOL_ERROR: 1002,
  ABNORMAL: 1006,
  INVALID_DATA: 1007,
  MESSAGE_TOO_BIG: 1009,
  TRY_AGAIN_LATER: 1013,
  AUTH_FAILED: 4001,
  TOKEN_EXPIRED: 4002,
  SLOW_CONSUMER: 4008,
  INSTANCE_DECLARED_DEAD: 4010,
  OVER_BUDGET: 4029,
} as const;

// ---- validation, as the server applies it: catching it here keeps bad ids out of the socket ----

const ENTITY_CODE = /^[a-z][a-z0-9_]{0,99}$/;
const ENTITY_ID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export function isValidEntityCode(code: string): boolean {
  return typeof code === 'string' && ENTITY_CODE.test(code);
}

export function isValidEntityId(id: string): boolean {
  return typeof id === 'string' && ENTITY_ID.test(id);
}

// ---- encoding and decoding ----

/** The text frame for a client message, with the field order of the protocol's samples. */
export function encodeClientMessage(message: ClientMessage): string {
  switch (message.type) {
    case 'SUBSCRIBE':
      return JSON.stringify({
        type: message.type,
        payload: { entityCode: message.payload.entityCode, entityIds: message.payload.entityIds },
      });
    case 'UNSUBSCRIBE':
      return JSON.stringify({
        type: message.type,
        payload:
          message.payload.entityIds === undefined
            ? { entityCode: message.payload.entityCode }
            : { entityCode: message.payload.entityCode, entityIds: message.payload.entityIds },
      });
    case 'TOKEN_REFRESH':
      return JSON.stringify({ type: message.type, payload: { token: message.payload.token } });
    case 'SUBSCRIBE_TYPE':
    case 'UNSUBSCRIBE_TYPE':
      return JSON.stringify({ type: message.type, payload: { entityCode: message.payload.entityCode } });
    case 'UNSUBSCRIBE_ALL':
    case 'PING':
    case 'STATUS':
      return JSON.stringify({ type: message.type });
  }
}

/** Thrown for a frame that is not a server message this client understands. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}

/**
 * Reads one text frame from the server. Unknown fields are ignored, as the server ignores them;
 * a frame of an unknown type or with a field of the wrong type is a {@link ProtocolError}.
 */
export function decodeServerMessage(text: string): ServerMessage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ProtocolError('Server frame is not JSON');
  }
  const root = object(value, 'message');
  const type = root['type'];
  switch (type) {
    case 'INVALIDATE': {
      const payload = object(root['payload'], 'payload');
      const changes = array(payload['changes'], 'changes').map((entry, index) => {
        const change = object(entry, `changes[${index}]`);
        const action = string(change['action'], 'action');
        if (action !== 'CREATE' && action !== 'UPDATE' && action !== 'DELETE') {
          throw new ProtocolError(`Unknown action ${action}`);
        }
        return {
          entityId: string(change['entityId'], 'entityId'),
          action,
          version: number(change['version'], 'version'),
        } satisfies EntityChange;
      });
      return {
        type,
        payload: {
          entityCode: string(payload['entityCode'], 'entityCode'),
          changes,
          timestamp: string(payload['timestamp'], 'timestamp'),
        },
      };
    }
    case 'SUBSCRIBED':
      return { type, payload: { count: number(object(root['payload'], 'payload')['count'], 'count') } };
    case 'TYPE_SUBSCRIBED':
      return { type, payload: { entityCode: string(object(root['payload'], 'payload')['entityCode'], 'entityCode') } };
    case 'PONG':
      return { type };
    case 'TOKEN_EXPIRING_SOON':
      return {
        type,
        payload: { expiresIn: number(object(root['payload'], 'payload')['expiresIn'], 'expiresIn') },
      };
    case 'ERROR': {
      const payload = object(root['payload'], 'payload');
      return {
        type,
        payload: {
          message: string(payload['message'], 'message'),
          // An unknown code is kept as it is: a newer server may add codes.
          code: string(payload['code'], 'code') as ErrorCode,
        },
      };
    }
    case 'STATUS_REPORT': {
      const payload = object(root['payload'], 'payload');
      return {
        type,
        payload: {
          connectionId: string(payload['connectionId'], 'connectionId'),
          subscriptions: number(payload['subscriptions'], 'subscriptions'),
          tokenExpiresIn: number(payload['tokenExpiresIn'], 'tokenExpiresIn'),
        },
      };
    }
    default:
      throw new ProtocolError(`Unknown server message type ${JSON.stringify(type)}`);
  }
}

function object(value: unknown, name: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ProtocolError(`${name} must be an object`);
  }
  return value as Record<string, unknown>;
}

function array(value: unknown, name: string): unknown[] {
  if (!Array.isArray(value)) throw new ProtocolError(`${name} must be an array`);
  return value;
}

function string(value: unknown, name: string): string {
  if (typeof value !== 'string') throw new ProtocolError(`${name} must be a string`);
  return value;
}

function number(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ProtocolError(`${name} must be a number`);
  return value;
}
