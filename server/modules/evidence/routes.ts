import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { describeRoute } from 'hono-openapi';
import { answer, doc, jpeg } from '../../lib/apiDoc';
import { z } from 'zod';
import { AppError } from '../../lib/errors';
import { allow, ctxOf, valid, type AppEnv } from '../../lib/http';
import { managerRoles } from '../../lib/roles';
import { getEvidence } from './getEvidence';
import { EVIDENCE_LIMITS } from './limits';
import { UploadedEvidenceAnswer } from './responses';
import { uploadEvidence } from './uploadEvidence';

const HashParam = z.object({ hash: z.string().max(64) });

/** Who may see a photo is decided per photo (getEvidence); clerks never handle proposals. */
const viewers = ['county_admin', 'township_admin', 'village_cadre', 'reviewer', 'household'] as const;

export const evidenceRoutes = new Hono<AppEnv>()
  .post(
    '/evidence',
    describeRoute(
      doc({
        tags: ['evidence'],
        zh: '上传一张佐证照片（请求体为图片本身）',
        en: 'Upload one photo for a proposal: the raw image is the body (Content-Type image/*), the one exception to JSON-only mutations',
        rawBody: { media: ['image/jpeg', 'image/png', 'image/webp'], description: 'The photo itself, at most 8 MB; it is re-encoded as JPEG without EXIF or GPS data' },
        ok: { status: 201, schema: UploadedEvidenceAnswer },
        errors: ['bad_image', 'image_too_large', 'too_many_requests'],
      }),
    ),
    allow(...managerRoles),
    bodyLimit({
      maxSize: EVIDENCE_LIMITS.maxUploadBytes,
      onError: () => {
        throw new AppError(413, 'image_too_large', `照片不能超过 ${EVIDENCE_LIMITS.maxUploadBytes / 1024 / 1024} MB`);
      },
    }),
    async (c) => {
      const type = (c.req.header('content-type') ?? '').toLowerCase();
      if (!type.startsWith('image/')) throw new AppError(415, 'unsupported_media_type', '请直接上传图片（Content-Type: image/*）');
      const body = new Uint8Array(await c.req.arrayBuffer());
      return c.json(answer(UploadedEvidenceAnswer, await uploadEvidence(ctxOf(c), body)), 201);
    },
  )
  .get('/evidence/:hash', describeRoute(doc({ tags: ['evidence'], zh: '查看一张佐证照片（JPEG）', en: 'One photo (JPEG), to its uploader, staff of its awards’ area and their households', ok: { status: 200, binary: jpeg('The photo, re-encoded JPEG') }, errors: ['not_found'] })), allow(...viewers), valid('param', HashParam), async (c) => {
    const { bytes, contentType } = await getEvidence(ctxOf(c), c.req.valid('param').hash);
    // Named by its content, so it never changes; private: a shared cache must not keep personal data.
    return c.body(new Uint8Array(bytes), 200, { 'Content-Type': contentType, 'Cache-Control': 'private, max-age=31536000, immutable', 'Content-Disposition': 'inline' });
  });
