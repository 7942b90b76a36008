import { formOnce } from '../middleware/form-once';
import { Router } from 'express';
import type { Authenticator as Passport } from '../auth/passport';
import type { AppContext } from '../context';
import { routes } from './define';
import {
  dateParams,
  delegationIdParams,
  dispatchFileParams,
  dispatchIdParams,
  dossierCodeParams,
  dossierFileParams,
  mailIdParams,
  printParams,
  replyParams,
  unitCodeParams,
  usernameParams,
} from '../schemas/params.schema';
import { calendarYearQuerySchema, mailListQuerySchema } from '../schemas/pages.schema';
import { authPages } from '../handlers/auth.pages';
import { adminPages } from '../handlers/admin.pages';
import { userPages } from '../handlers/users.pages';
import { usersPageQuerySchema } from '../schemas/user-pages.schema';
import { unitRoutes } from './units.routes';
import { homePages } from '../handlers/home.pages';
import { printPages } from '../handlers/print.pages';
import { catalogPages } from '../handlers/catalog.pages';
import { catalogImportPages } from '../handlers/catalog-import.pages';
import { catalogImportParams } from '../schemas/catalog-import.schema';
import { procedureFormPages } from '../handlers/procedure-form.pages';
import { calendarPages } from '../handlers/calendar.pages';
import { dossierPages } from '../handlers/dossier.pages';
import { resultPages } from '../handlers/result.pages';
import { mailPages } from '../handlers/mail.pages';
import { reportsPages } from '../handlers/reports.pages';
import { dispatchPages } from '../handlers/dispatch.pages';
import { certificatePages } from '../handlers/certificates.pages';
import { consultationPages } from '../handlers/consultation.pages';
import { delegationPages } from '../handlers/delegation.pages';
import { portalRoutes } from './portal.routes';
import { dispatchDraftRoutes } from './dispatch-draft.routes';

/** The HTML pages. Fixed routes (contract.md §3) keep their Vietnamese paths. */
export function htmlRouter(ctx: AppContext, passport: Passport): Router {
  const router = Router();
  const r = routes(router);
  const auth = authPages(passport);
  const admin = adminPages(ctx);
  const userAdmin = userPages(ctx);
  const home = homePages(ctx);
  const print = printPages(ctx);
  const catalog = catalogPages(ctx);
  const catalogImport = catalogImportPages(ctx);
  const procedureForm = procedureFormPages(ctx);
  const calendarAdmin = calendarPages(ctx);
  const dossier = dossierPages(ctx);
  const result = resultPages(ctx, dossier.showWith);
  const mailAdmin = mailPages(ctx);
  const reports = reportsPages(ctx);
  const dispatch = dispatchPages(ctx);
  const certs = certificatePages(ctx);
  const consultation = consultationPages(ctx);
  const delegation = delegationPages(ctx);
  // Forms that create something run once per page shown (Back and submit again: the first result).
  const once = formOnce(ctx);
  const guard = once.guard;

  r.get('/dang-nhap', 'public', auth.showLogin);
  r.post('/dang-nhap', 'public', auth.login);
  r.post('/dang-xuat', 'public', auth.logout);
  r.get('/', 'user', home.index);

  r.get('/ho-so', 'user', dossier.list);
  r.get('/ho-so/moi', ['intake'], dossier.intakeForm);
  r.post('/ho-so/moi', ['intake'], dossier.upload, dossier.intake);
  r.get('/ho-so/:code', 'user', { params: dossierCodeParams }, dossier.show);
  r.post('/ho-so/:code/thao-tac', 'user', { params: dossierCodeParams }, dossier.act);
  r.post('/ho-so/:code/tep', 'user', { params: dossierCodeParams }, dossier.upload, dossier.attach);
  r.get('/ho-so/:code/tep/:id', 'user', { params: dossierFileParams }, dossier.download);
  r.post('/ho-so/:code/ket-qua', 'user', { params: dossierCodeParams }, result.parseUpload, guard, result.upload);
  r.post('/ho-so/:code/ket-qua/tao', 'user', { params: dossierCodeParams }, guard, result.generate);
  r.get('/ho-so/:code/ket-qua.pdf', 'user', { params: dossierCodeParams }, result.download);
  r.get('/ho-so/:code/in/:form.pdf', 'user', { params: printParams }, print.formPdf);
  r.get('/ho-so/:code/in/:form', 'user', { params: printParams }, print.form);
  r.get('/ho-so/:code/lay-y-kien', 'user', { params: dossierCodeParams }, consultation.form);
  r.post(
    '/ho-so/:code/lay-y-kien',
    'user',
    { params: dossierCodeParams },
    consultation.upload,
    guard,
    consultation.create,
  );
  r.get('/so-theo-doi.pdf', 'user', print.registerPdf);
  r.get('/so-theo-doi', 'user', print.register);
  r.get('/cong-van', 'user', dispatch.list);
  r.get('/cong-van/moi', ['specialist'], dispatch.newForm);
  r.post('/cong-van/moi', ['specialist'], dispatch.upload, guard, dispatch.create);
  r.get('/cong-van/:id', 'user', { params: dispatchIdParams }, dispatch.show);
  r.post('/cong-van/:id/thao-tac', 'user', { params: dispatchIdParams }, dispatch.act);
  r.post('/cong-van/:id/y-kien/:unitCode/thao-tac', 'user', { params: replyParams }, dispatch.replyAct);
  r.post('/cong-van/:id/nhac', 'user', { params: dispatchIdParams }, guard, dispatch.remind);
  r.get('/cong-van/:id/tong-hop.xlsx', 'user', { params: dispatchIdParams }, dispatch.exportXlsx);
  r.get('/cong-van/:id/tong-hop.csv', 'user', { params: dispatchIdParams }, dispatch.exportCsv);
  r.get('/cong-van/:id/tong-hop', 'user', { params: dispatchIdParams }, dispatch.synthesis);
  r.post('/cong-van/:id/tong-hop/:unitCode', 'user', { params: replyParams }, dispatch.respond);
  r.get('/cong-van/:id/tep/:fileId', 'user', { params: dispatchFileParams }, dispatch.download);
  dispatchDraftRoutes(r, ctx);
  r.get('/bao-cao', 'user', reports.page);
  r.get('/bao-cao/ho-so', 'user', reports.dossiers);
  r.get('/bao-cao/xuat', 'user', reports.export);
  r.get('/uy-quyen', ['leader'], delegation.show);
  r.post('/uy-quyen', ['leader'], guard, delegation.create);
  r.post('/uy-quyen/:id/thu-hoi', ['leader', 'admin'], { params: delegationIdParams }, delegation.revoke);
  r.get('/quan-tri/uy-quyen', ['admin'], delegation.adminList);

  unitRoutes(r, ctx);
  r.post('/quan-tri/don-vi', ['admin'], admin.createUnit);
  r.get('/quan-tri/don-vi/:code', ['admin'], { params: unitCodeParams }, admin.editUnit);
  r.post('/quan-tri/don-vi/:code', ['admin'], { params: unitCodeParams }, admin.updateUnit);
  r.get('/quan-tri/nguoi-dung', ['admin'], { query: usersPageQuerySchema }, userAdmin.listUsers);
  r.post('/quan-tri/nguoi-dung', ['admin'], admin.createUser);
  r.get('/quan-tri/nguoi-dung/:username', ['admin'], { params: usernameParams }, admin.editUser);
  r.post('/quan-tri/nguoi-dung/:username', ['admin'], { params: usernameParams }, admin.updateUser);
  r.get('/quan-tri/nguoi-dung/:username/khoa', ['admin'], { params: usernameParams }, userAdmin.disableForm);
  r.post('/quan-tri/nguoi-dung/:username/khoa', ['admin'], { params: usernameParams }, userAdmin.disable);

  r.get('/quan-tri/thu-tuc', ['admin'], catalog.list);
  r.get('/quan-tri/thu-tuc/moi', ['admin'], catalog.editor);
  r.post('/quan-tri/thu-tuc/xem-truoc', ['admin'], catalog.preview);
  r.post('/quan-tri/thu-tuc', ['admin'], guard, catalog.save);
  r.get('/quan-tri/thu-tuc/moi/bieu-mau', ['admin'], procedureForm.newForm);
  r.post('/quan-tri/thu-tuc/bieu-mau', ['admin'], guard, procedureForm.submit);
  r.post('/quan-tri/thu-tuc/bieu-mau/kiem-tra', ['admin'], procedureForm.check);
  r.get('/quan-tri/thu-tuc/nhap', ['admin'], catalogImport.form);
  r.post('/quan-tri/thu-tuc/nhap', ['admin'], catalogImport.upload, catalogImport.preview);
  r.post('/quan-tri/thu-tuc/nhap/xac-nhan', ['admin'], guard, catalogImport.confirm);
  r.get('/quan-tri/thu-tuc/nhap/:id', ['admin'], { params: catalogImportParams }, catalogImport.result);
  r.get('/quan-tri/thu-tuc/:code', ['admin'], catalog.show);
  r.get('/quan-tri/thu-tuc/:code/sua', ['admin'], catalog.editor);
  r.get('/quan-tri/thu-tuc/:code/bieu-mau', ['admin'], procedureForm.editForm);
  r.get('/quan-tri/thu', ['admin'], { query: mailListQuerySchema }, mailAdmin.list);
  r.post('/quan-tri/thu/:id/gui-lai', ['admin'], { params: mailIdParams }, mailAdmin.resend);
  r.get('/quan-tri/thu/:id', ['admin'], { params: mailIdParams }, mailAdmin.show);
  r.get('/quan-tri/lich', ['admin'], { query: calendarYearQuerySchema }, calendarAdmin.year);
  r.post('/quan-tri/lich', ['admin'], calendarAdmin.setDay);
  r.post('/quan-tri/lich/:date/xoa', ['admin'], { params: dateParams }, calendarAdmin.deleteDay);
  portalRoutes(r, ctx);
  r.get('/quan-tri/chung-thu-so', ['admin'], certs.page);
  r.post(
    '/quan-tri/chung-thu-so/nguoi-dung/:username',
    ['admin'],
    { params: usernameParams },
    certs.upload,
    certs.uploadForUser,
  );
  r.post(
    '/quan-tri/chung-thu-so/don-vi/:code',
    ['admin'],
    { params: unitCodeParams },
    certs.upload,
    certs.uploadForUnit,
  );
  router.use(once.twin);
  return router;
}
