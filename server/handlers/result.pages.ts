import type { Request, Response } from 'express';
import type { AppContext } from '../context';
import { Forbidden, Invalid, NotAllowed, NotFound } from '../errors';
import { flash } from '../middleware/locals';
import { publicRateLimit } from '../middleware/rate-limit';
import { uploadErrorOf, uploadFiles } from '../middleware/upload';
import type { Actor } from '../policies/actor';
import { mayDraftResult } from '../policies/dossier.policy';
import type { UploadedFile } from '../services/attachments.service';
import type { DossierView } from '../services/dossiers.service';
import {
  generateResult,
  resultForCitizen,
  resultForStaff,
  signingProblem,
  uploadResult,
  verifyResult,
} from '../services/results.service';
import { sendPdf } from './results.api';
import { toVnIso, vnDate } from '../../workflows/calendar';
import { resultSteps } from '../../workflows/result';

const ddmmyyyy = (ms: number) => vnDate(new Date(ms)).split('-').reverse().join('/');
const hhmm = (ms: number) => toVnIso(new Date(ms)).slice(11, 16);

/**
 * The "Kết quả" section of the dossier page (design.md §10): what the result is, where it stands
 * (draft, signed, numbered), its signatures and download, the draft form for whoever may put it,
 * and what stops the leader from signing, said before the leader tries.
 */
export async function resultSection(ctx: AppContext, actor: Actor, view: DossierView) {
  const steps = resultSteps(view.def);
  if (!steps) return null;
  const r = view.result;
  const stage = !r ? 'none' : r.number ? 'numbered' : r.signed_sha256 ? 'signed' : 'draft';
  const STAGE_TEXT = {
    none: 'Chưa có dự thảo',
    draft: 'Dự thảo, chờ ký',
    signed: 'Đã ký số, chờ vào số, đóng dấu',
    numbered: 'Đã ký số, vào số và đóng dấu',
  };
  return {
    name: view.def.result!.name,
    kind: view.def.result!.kind,
    stage,
    stageText: STAGE_TEXT[stage],
    number: r?.number ?? null,
    numberedAt: r?.numbered_at ? ddmmyyyy(r.numbered_at) : null,
    sha256: r?.sha256 ?? null,
    source: r?.source === 'template' ? 'Tạo từ mẫu' : r ? 'Tải lên' : null,
    signatures: (r?.signatures ?? []).map((s) => ({
      who:
        s.role === 'seal'
          ? `Dấu của ${s.unitName}`
          : `${s.authority ? `${s.authority} — ` : ''}${s.signer}${s.title ? ` (${s.title.toLocaleLowerCase('vi')})` : ''}`,
      at: `${hhmm(s.at)} ${ddmmyyyy(s.at)}`,
      demo: s.demo,
    })),
    demo: (r?.signatures ?? []).some((s) => s.demo),
    download: r ? `/ho-so/${encodeURIComponent(view.row.code)}/ket-qua.pdf` : null,
    verify: r?.number ? `/xac-thuc/${r.sha256}` : null,
    signStep: steps.signs.name,
    numberStep: steps.numbers.name,
    canDraft: mayDraftResult(actor, view.row, view.def),
    signingProblem: await signingProblem(ctx.db, ctx.config, actor, view),
  };
}

export function resultPages(
  ctx: AppContext,
  showWith: (req: Request, res: Response, extra: Record<string, unknown>, status: number) => Promise<unknown>,
) {
  const back = (code: string) => `/ho-so/${encodeURIComponent(code)}#ket-qua`;

  /** A refused draft keeps the page, the message beside the result form (422/413/403). */
  const refused = async (req: Request, res: Response, err: unknown) => {
    if (err instanceof Invalid || err instanceof NotAllowed || err instanceof Forbidden) {
      const status = err instanceof Forbidden ? 403 : 422;
      return showWith(req, res, { resultError: err.message }, status);
    }
    throw err;
  };

  return {
    parseUpload: uploadFiles(10),

    /** POST /ho-so/:code/ket-qua: the draft as a PDF file. */
    async upload(req: Request, res: Response) {
      const code = String(req.params.code);
      const tooLarge = uploadErrorOf(req);
      if (tooLarge) return showWith(req, res, { resultError: tooLarge.message }, 413);
      const files = (req.files as UploadedFile[] | undefined) ?? [];
      try {
        if (files.length !== 1) throw new Invalid('Chọn một tệp PDF dự thảo kết quả.');
        await uploadResult(ctx.db, ctx.config, req.user!, code, files[0].buffer);
        flash(req, 'success', 'Đã đính kèm dự thảo kết quả.');
        res.redirect(303, back(code));
      } catch (err) {
        await refused(req, res, err);
      }
    },

    /** POST /ho-so/:code/ket-qua/tao: the draft generated from the procedure's template. */
    async generate(req: Request, res: Response) {
      const code = String(req.params.code);
      try {
        await generateResult(ctx.db, ctx.config, req.user!, code);
        flash(req, 'success', 'Đã tạo dự thảo kết quả từ mẫu. Hãy mở tệp để kiểm tra trước khi trình ký.');
        res.redirect(303, back(code));
      } catch (err) {
        await refused(req, res, err);
      }
    },

    /** GET /ho-so/:code/ket-qua.pdf: the current result for staff who can see the dossier. */
    async download(req: Request, res: Response) {
      sendPdf(res, await resultForStaff(ctx.db, ctx.config, req.user!, String(req.params.code)));
    },
  };
}

/** The citizen's electronic result and the public verification page: no sign-in, no session. */
export function publicResultPages(ctx: AppContext) {
  // The citizen's link is a secret: guessing keys is rate limited like the public lookup.
  const limiter = publicRateLimit(
    ctx,
    'result',
    'Bạn thử quá nhiều lần trong một phút. Vui lòng đợi một lát rồi thử lại.',
  );
  return {
    limiter,

    /** GET /tra-cuu/ket-qua?ma=CODE&khoa=KEY: the citizen's electronic result (contract §3). */
    async citizen(req: Request, res: Response) {
      const code = typeof req.query.ma === 'string' ? req.query.ma.slice(0, 100) : '';
      const key = typeof req.query.khoa === 'string' ? req.query.khoa.slice(0, 100) : '';
      try {
        sendPdf(res, await resultForCitizen(ctx.db, ctx.config, code, key));
      } catch (err) {
        if (!(err instanceof NotFound)) throw err;
        res.status(404).set('Cache-Control', 'no-store').render('pages/public/result-missing', {
          title: 'Kết quả điện tử',
          layout: 'public',
          message: err.message,
        });
      }
    },

    /** GET /xac-thuc/:sha: the public verification of a numbered result (no personal data). */
    async verify(req: Request, res: Response) {
      const sha = String(req.params.sha ?? '').toLowerCase();
      try {
        const v = await verifyResult(ctx.db, sha);
        res.set('Cache-Control', 'no-store').render('pages/public/verify', {
          title: `Xác thực văn bản số ${v.number}`,
          layout: 'public',
          v: {
            ...v,
            numberedAt: ddmmyyyy(v.numberedAt),
            leaderSigned: v.signatures.some((s) => s.role === 'leader'),
            sealed: v.signatures.some((s) => s.role === 'seal'),
            demo: v.signatures.some((s) => s.demo),
          },
          asked: sha,
        });
      } catch (err) {
        if (!(err instanceof NotFound)) throw err;
        res
          .status(404)
          .render('pages/public/verify', { title: 'Xác thực văn bản', layout: 'public', asked: sha, missing: true });
      }
    },
  };
}
