import { Router } from 'express';
import type { Authenticator as Passport } from '../auth/passport';
import type { AppContext } from '../context';
import { routes } from './define';
import { authPages } from '../handlers/auth.pages';
import { adminPages } from '../handlers/admin.pages';
import { homePages } from '../handlers/home.pages';

/** The HTML pages. Fixed routes (contract.md §3) keep their Vietnamese paths. */
export function htmlRouter(ctx: AppContext, passport: Passport): Router {
  const router = Router();
  const r = routes(router);
  const auth = authPages(passport);
  const admin = adminPages(ctx);
  const home = homePages(ctx);

  r.get('/dang-nhap', 'public', auth.showLogin);
  r.post('/dang-nhap', 'public', auth.login);
  r.post('/dang-xuat', 'public', auth.logout);
  r.get('/', 'user', home.index);

  r.get('/quan-tri/don-vi', ['admin'], admin.listUnits);
  r.post('/quan-tri/don-vi', ['admin'], admin.createUnit);
  r.get('/quan-tri/don-vi/:code', ['admin'], admin.editUnit);
  r.post('/quan-tri/don-vi/:code', ['admin'], admin.updateUnit);
  r.get('/quan-tri/nguoi-dung', ['admin'], admin.listUsers);
  r.post('/quan-tri/nguoi-dung', ['admin'], admin.createUser);
  r.get('/quan-tri/nguoi-dung/:username', ['admin'], admin.editUser);
  r.post('/quan-tri/nguoi-dung/:username', ['admin'], admin.updateUser);
  return router;
}
