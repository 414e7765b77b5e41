import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  CloseCode,
  decodeServerMessage,
  encodeClientMessage,
  ERROR_CODES,
  isRetryableError,
  ProtocolError,
  type ClientMessage,
  type ServerMessage,
} from '../src/protocol.js';

const repository = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const goldenDirectory = join(repository, 'adapters-websocket', 'src', 'test', 'resources', 'golden');
const golden = (name: string) => readFileSync(join(goldenDirectory, name), 'utf8');
/** The golden file as the bytes a client sends: JSON without whitespace, fields in file order. */
const compact = (name: string) => JSON.stringify(JSON.parse(golden(name)));

const ID_1 = '550e8400-e29b-41d4-a716-446655440001';
const ID_2 = '550e8400-e29b-41d4-a716-446655440002';
const ID_3 = '550e8400-e29b-41d4-a716-446655440003';

const clientSamples: Array<[string, ClientMessage]> = [
  ['subscribe.json', { type: 'SUBSCRIBE', payload: { entityCode: 'project', entityIds: [ID_1, ID_2, ID_3] } }],
  ['unsubscribe.json', { type: 'UNSUBSCRIBE', payload: { entityCode: 'project', entityIds: [ID_1] } }],
  ['unsubscribe-entity-code.json', { type: 'UNSUBSCRIBE', payload: { entityCode: 'project' } }],
  ['unsubscribe-all.json', { type: 'UNSUBSCRIBE_ALL' }],
  ['ping.json', { type: 'PING' }],
  ['token-refresh.json', { type: 'TOKEN_REFRESH', payload: { token: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...' } }],
  ['status.json', { type: 'STATUS' }],
  ['subscribe-type.json', { type: 'SUBSCRIBE_TYPE', payload: { entityCode: 'task' } }],
  ['unsubscribe-type.json', { type: 'UNSUBSCRIBE_TYPE', payload: { entityCode: 'task' } }],
];

const serverSamples: Array<[string, ServerMessage]> = [
  ['subscribed.json', { type: 'SUBSCRIBED', payload: { count: 3 } }],
  [
    'invalidate.json',
    {
      type: 'INVALIDATE',
      payload: {
        entityCode: 'project',
        changes: [{ entityId: ID_1, action: 'UPDATE', version: 42 }],
        timestamp: '2025-11-27T10:30:00.000Z',
      },
    },
  ],
  ['type-subscribed.json', { type: 'TYPE_SUBSCRIBED', payload: { entityCode: 'task' } }],
  ['pong.json', { type: 'PONG' }],
  ['token-expiring-soon.json', { type: 'TOKEN_EXPIRING_SOON', payload: { expiresIn: 300 } }],
  ['error.json', { type: 'ERROR', payload: { message: 'Invalid token', code: 'AUTH_FAILED' } }],
  [
    'error-over-budget.json',
    {
      type: 'ERROR',
      payload: {
        message: 'At most 20 SUBSCRIBE, UNSUBSCRIBE, UNSUBSCRIBE_ALL and TOKEN_REFRESH per second per user, across its connections; this one was dropped',
        code: 'OVER_BUDGET',
      },
    },
  ],
  [
    'status-report.json',
    {
      type: 'STATUS_REPORT',
      payload: { connectionId: '6f1c2a4e-9b7d-4c3e-8a52-1d0e7f3b9c21', subscriptions: 3, tokenExpiresIn: 1742 },
    },
  ],
];

describe('the wire format, held against the server golden files', () => {
  it.each(clientSamples)('encodes %s into the same bytes', (file, message) => {
    expect(encodeClientMessage(message)).toBe(compact(file));
  });

  it.each(serverSamples)('decodes %s', (file, message) => {
    expect(decodeServerMessage(golden(file))).toEqual(message);
  });

  it('covers every golden file', () => {
    const covered = [...clientSamples, ...serverSamples].map(([file]) => file).sort();
    expect(readdirSync(goldenDirectory).filter((file) => file.endsWith('.json')).sort()).toEqual(covered);
  });

  it('ignores unknown fields, as the server does', () => {
    expect(decodeServerMessage('{"type":"PONG","extra":1}')).toEqual({ type: 'PONG' });
    expect(decodeServerMessage('{"type":"SUBSCRIBED","payload":{"count":2,"more":true}}')).toEqual({
      type: 'SUBSCRIBED',
      payload: { count: 2 },
    });
  });

  it('refuses frames of the wrong shape with a ProtocolError', () => {
    expect(() => decodeServerMessage('not json')).toThrow(ProtocolError);
    expect(() => decodeServerMessage('{"type":"SUBSCRIBED","payload":{"count":"3"}}')).toThrow(/count must be a number/);
    expect(() => decodeServerMessage('{"type":"NEW_THING"}')).toThrow(/Unknown server message type/);
    expect(() =>
      decodeServerMessage('{"type":"INVALIDATE","payload":{"entityCode":"p","changes":[{"entityId":"x","action":"VIEW","version":1}],"timestamp":"t"}}'),
    ).toThrow(/Unknown action VIEW/);
  });
});

describe('error codes', () => {
  it('are exactly the codes of the server enum and of the protocol page', () => {
    const enumSource = readFileSync(
      join(repository, 'application', 'src', 'main', 'java', 'dev', 'rtsync', 'application', 'message', 'ErrorCode.java'),
      'utf8',
    );
    const javaCodes = [...enumSource.matchAll(/^ {4}([A-Z_]+)\("/gm)].map((match) => match[1]);
    expect([...ERROR_CODES].sort()).toEqual([...javaCodes].sort());

    const protocol = readFileSync(join(repository, 'docs', 'protocol.md'), 'utf8');
    const section = protocol.slice(protocol.indexOf('## 5. Error codes'), protocol.indexOf('## 6. Close codes'));
    const documented = [...section.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((match) => match[1]);
    expect([...ERROR_CODES].sort()).toEqual([...documented].sort());
  });

  it('are retryable when waiting or a fresh connection can help, final when the request is wrong', () => {
    const retryable = ERROR_CODES.filter((code) => isRetryableError(code));
    expect(retryable).toEqual([
      'TOKEN_EXPIRED',
      'TOO_MANY_CONNECTIONS',
      'RATE_LIMITED',
      'OVER_BUDGET',
      'UNAVAILABLE',
      'INTERNAL_ERROR',
    ]);
    expect(isRetryableError('AUTH_FAILED')).toBe(false);
    expect(isRetryableError('TOO_MANY_SUBSCRIPTIONS')).toBe(false);
  });
});

describe('close codes', () => {
  it('include every code of the protocol page', () => {
    const protocol = readFileSync(join(repository, 'docs', 'protocol.md'), 'utf8');
    const section = protocol.slice(protocol.indexOf('## 6. Close codes'), protocol.indexOf('## 7. Limits'));
    const documented = [...section.matchAll(/^\| (\d{4}) \|/gm)].map((match) => Number(match[1]));
    expect(documented.length).toBeGreaterThan(5);
    expect(documented.filter((code) => !(Object.values(CloseCode) as number[]).includes(code))).toEqual([]);
  });
});
