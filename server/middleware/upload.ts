import type { RequestHandler } from 'express';
import multer from 'multer';
import { BadRequest, TooLarge } from '../errors';
import { MAX_FILE_BYTES, MAX_FILES } from '../services/attachments.service';

/**
 * multer (memory storage) for a multipart form's `files`, with the attachment limits; limit breaches
 * become Vietnamese 413s. `maxFields` bounds the other form fields (the dispatch form's unit picker
 * has many checkboxes).
 */
export function uploadFiles(maxFields: number): RequestHandler {
  const mem = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: MAX_FILE_BYTES, files: MAX_FILES, fields: maxFields },
  });
  return (req, res, next) => {
    mem.array('files', MAX_FILES)(req, res, (err: unknown) => {
      if (!err) return next();
      const code = (err as { code?: string }).code;
      if (code === 'LIMIT_FILE_SIZE') return next(new TooLarge(`Tệp vượt quá ${MAX_FILE_BYTES / 1024 / 1024} MB.`));
      if (code === 'LIMIT_FILE_COUNT') return next(new TooLarge(`Tối đa ${MAX_FILES} tệp mỗi lần.`));
      next(new BadRequest('Không đọc được tệp gửi lên.'));
    });
  };
}
