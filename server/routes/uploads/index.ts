import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { MAX_ATTACHMENT_BYTES, storeUpload } from '../../commands/upload-file.ts';
import { ErrorSchema, UploadEnvelopeSchema, UploadQuerySchema } from '../../schemas/api.ts';

const uploadRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // The body is the file itself, whatever its type; only in this plugin's scope.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_ATTACHMENT_BYTES }, (_req, body, done) =>
    done(null, body),
  );

  app.post(
    '/api/uploads',
    {
      bodyLimit: MAX_ATTACHMENT_BYTES,
      schema: {
        tags: ['replies'],
        summary:
          "Upload a file to attach to a reply: the body is the file, Content-Type its type, ?filename= its name. Returns the id for the reply's uploadIds.",
        querystring: UploadQuerySchema,
        response: { 201: UploadEnvelopeSchema, 400: ErrorSchema, 413: ErrorSchema },
      },
    },
    async (request, reply) => {
      const data = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const upload = storeUpload(
        app.db,
        {
          filename: request.query.filename,
          contentType: request.headers['content-type'],
          data,
          userId: request.user!.id,
        },
        app.now(),
      );
      return reply.code(201).send({ upload });
    },
  );
};

export default uploadRoutes;
