// Login shapes: credentials in, a short-lived session token out.
import Type, { type Static } from 'typebox';
import { ref, Timestamp } from '../../http/schemas.js';
import { User } from '../users/schemas.js';

export const LoginRequest = Type.Object(
  {
    // Any string up to the limits: a malformed email is simply a failed login, so nothing about accounts leaks.
    email: Type.String({ minLength: 1, maxLength: 254 }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { $id: 'LoginRequest', additionalProperties: false, examples: [{ email: 'lan.nguyen@example.com', password: 'correct horse battery' }] },
);
export type LoginRequest = Static<typeof LoginRequest>;

export const Session = Type.Object(
  {
    token: Type.String({ description: 'Send as `Authorization: Bearer <token>`. Shown once; stored only as a hash.' }),
    expiresAt: Timestamp,
    user: ref(User),
  },
  {
    $id: 'Session',
    examples: [
      {
        token: 'dls_Zm9vYmFyEXAMPLEonlyEXAMPLEonlyEXAMPLEonly0',
        expiresAt: '2025-08-14T13:02:00.000Z',
        user: {
          id: '0198a1b2-0000-7000-8000-0000000000b1',
          email: 'lan.nguyen@example.com',
          displayName: 'Lan Nguyen',
          role: 'author',
          active: true,
          authorId: null,
          createdAt: '2025-08-14T12:02:00.000Z',
          updatedAt: '2025-08-14T12:02:00.000Z',
        },
      },
    ],
  },
);
export type Session = Static<typeof Session>;

export const authSchemas = [LoginRequest, Session];
