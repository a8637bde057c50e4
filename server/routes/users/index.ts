import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { asc, eq } from 'drizzle-orm';
import { users } from '../../../db/schema.ts';
import { updateOwnPreferences } from '../../commands/user-preferences.ts';
import { setStaffAccess } from '../../commands/users.ts';
import { AppError } from '../../errors.ts';
import {
  ErrorSchema,
  IdParamsSchema,
  MePatchBodySchema,
  MeSchema,
  StaffListSchema,
  StaffMemberSchema,
  StaffPatchBodySchema,
  type Me,
} from '../../schemas/api.ts';

const userRoutes: FastifyPluginAsyncTypebox<{ timeZone: string }> = async (app, { timeZone }) => {
  const me = (userId: number): Me => {
    const row = app.db.select().from(users).where(eq(users.id, userId)).get();
    if (!row) throw new AppError('unauthenticated', 401, 'sign in first');
    return {
      id: row.id,
      email: row.email,
      name: row.name,
      role: row.role,
      language: row.language === 'ar' ? 'ar' : 'en',
      signature: row.signature,
      canApprove: row.canApprove,
      officeTimeZone: timeZone,
    };
  };

  app.get(
    '/api/users',
    {
      schema: {
        tags: ['users'],
        summary: 'Staff, for assigning threads, with their role and whether they approve replies',
        response: { 200: StaffListSchema, 401: ErrorSchema },
      },
    },
    async () => ({
      users: app.db
        .select({
          id: users.id,
          name: users.name,
          email: users.email,
          role: users.role,
          canApprove: users.canApprove,
        })
        .from(users)
        .orderBy(asc(users.name), asc(users.id))
        .all(),
    }),
  );

  app.patch(
    '/api/users/:id',
    {
      schema: {
        tags: ['users'],
        summary: 'Make an officer admin or staff, or let them approve replies (admins only)',
        params: IdParamsSchema,
        body: StaffPatchBodySchema,
        response: {
          200: StaffMemberSchema,
          400: ErrorSchema,
          401: ErrorSchema,
          403: ErrorSchema,
          404: ErrorSchema,
          409: ErrorSchema,
        },
      },
    },
    async (request) => {
      if (request.user!.role !== 'admin')
        throw new AppError('forbidden', 403, 'only an admin can change roles and approvers');
      return setStaffAccess(app.db, { id: request.params.id }, request.body);
    },
  );

  app.get(
    '/api/me',
    {
      schema: {
        tags: ['users'],
        summary: 'The signed-in officer and their preferences',
        response: { 200: MeSchema, 401: ErrorSchema },
      },
    },
    async (request) => me(request.user!.id),
  );

  app.patch(
    '/api/me',
    {
      schema: {
        tags: ['users'],
        summary: 'Change my UI language (en, ar) or reply signature',
        body: MePatchBodySchema,
        response: { 200: MeSchema, 400: ErrorSchema, 401: ErrorSchema },
      },
    },
    async (request) => {
      updateOwnPreferences(app.db, request.user!.id, request.body);
      return me(request.user!.id);
    },
  );
};

export default userRoutes;
