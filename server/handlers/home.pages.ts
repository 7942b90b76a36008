import type { Request, Response } from 'express';
import type { AppContext } from '../context';

export function homePages(_ctx: AppContext) {
  return {
    async index(req: Request, res: Response) {
      res.render('pages/home/index', { title: 'Trang chủ', user: req.user });
    },
  };
}
