import type { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { FilesService } from './files.service.js';

const Params = Type.Object({ project: Type.String(), name: Type.String() });

export function filesRoutes(service: FilesService) {
  return async (app: FastifyInstance) => {
    // Uploads stream straight to disk: the parser hands over the raw request stream.
    app.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload));
    app.get<{ Params: { project: string } }>(
      '/api/v1/projects/:project/files',
      { schema: { tags: ['files'], summary: 'Files uploaded for copy steps' } },
      async (request) => ({ items: await service.list(request.actor, request.params.project) }),
    );
    app.put<{ Params: { project: string; name: string }; Body: Readable }>(
      '/api/v1/projects/:project/files/:name',
      {
        schema: {
          tags: ['files'],
          summary: 'Upload a file (Content-Type: application/octet-stream), streamed',
          params: Params,
        },
      },
      async (request, reply) => {
        void reply.status(201);
        return service.upload(request.actor, request.params.project, request.params.name, request.body);
      },
    );
    app.get<{ Params: { project: string; name: string } }>(
      '/api/v1/projects/:project/files/:name',
      { schema: { tags: ['files'], summary: 'Download a file', params: Params } },
      async (request, reply) => {
        const file = await service.download(request.actor, request.params.project, request.params.name);
        void reply
          .header('content-type', 'application/octet-stream')
          .header('content-length', file.size)
          .header('x-sha256', file.sha256);
        return reply.send(file.stream);
      },
    );
    app.delete<{ Params: { project: string; name: string } }>(
      '/api/v1/projects/:project/files/:name',
      { schema: { tags: ['files'], summary: 'Delete a file', params: Params } },
      async (request) => {
        await service.remove(request.actor, request.params.project, request.params.name);
        return { ok: true };
      },
    );
  };
}
