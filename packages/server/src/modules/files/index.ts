export { filesRoutes } from './files.routes.js';
export { createFilesService, type FilesService, type StoredFile } from './files.service.js';
